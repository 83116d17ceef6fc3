"""The organization's prompt allow-list: phrases and `*` patterns it declares benign in its own prompts.

Prompt scans read the active entries when they start (with the request's own `allow_list`) and
report which entry matched; editing the list changes future scans only.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from organizations.services.audit import audit_record
from scans.models import AllowMatchType, PromptAllowEntry

FIELDS = ("value", "match_type", "description", "is_active")
MAX_ENTRIES = 500


def _validate(entry: PromptAllowEntry) -> None:
    entry.value = entry.value.strip()
    if not entry.value.strip("* \t\n"):
        raise ValidationError({"value": ["Must hold more than wildcards and spaces."]})
    if entry.match_type == AllowMatchType.WILDCARD and len(entry.value.replace("*", "").strip()) < 4:
        raise ValidationError({"value": ["A wildcard pattern needs at least 4 literal characters."]})
    entry.full_clean(exclude=["organization", "created_by"], validate_constraints=False)
    duplicate = (
        PromptAllowEntry.objects.for_organization(entry.organization_id)
        .filter(match_type=entry.match_type, value=entry.value)
        .exclude(pk=entry.pk)
    )
    if duplicate.exists():
        raise ValidationError({"value": ["This entry is already on the allow-list."]})


def _audit(action: str, entry: PromptAllowEntry, actor, request) -> None:
    audit_record(
        action=action,
        organization=entry.organization,
        actor=actor,
        target=entry,
        request=request,
        metadata={"match_type": entry.match_type, "is_active": entry.is_active},
    )


@transaction.atomic
def prompt_allow_entry_create(*, organization, actor=None, request=None, **fields) -> PromptAllowEntry:
    if PromptAllowEntry.objects.for_organization(organization).count() >= MAX_ENTRIES:
        raise ValidationError({"value": [f"The allow-list holds at most {MAX_ENTRIES} entries."]})
    entry = PromptAllowEntry(
        organization=organization,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
        **{name: value for name, value in fields.items() if name in FIELDS},
    )
    _validate(entry)
    entry.save()
    _audit("scans.prompt_allow_entry_created", entry, actor, request)
    return entry


@transaction.atomic
def prompt_allow_entry_update(
    *, entry: PromptAllowEntry, actor=None, request=None, **fields
) -> PromptAllowEntry:
    for name, value in fields.items():
        if name in FIELDS:
            setattr(entry, name, value)
    _validate(entry)
    entry.save()
    _audit("scans.prompt_allow_entry_updated", entry, actor, request)
    return entry


@transaction.atomic
def prompt_allow_entry_delete(*, entry: PromptAllowEntry, actor=None, request=None) -> None:
    _audit("scans.prompt_allow_entry_deleted", entry, actor, request)
    entry.delete()


def prompt_allow_list_snapshot(organization) -> list[dict]:
    """The active entries as a prompt scan's job receives them."""
    return [
        {"entry_id": str(pk), "value": value, "match_type": match_type}
        for pk, value, match_type in PromptAllowEntry.objects.for_organization(organization)
        .filter(is_active=True)
        .order_by("created_at", "pk")
        .values_list("pk", "value", "match_type")
    ]
