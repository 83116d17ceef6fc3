"""The registry of response actions: name, category, parameter schema, approval need and executor.

Actions with the `agent` executor touch a customer's machines and are carried out by an enrolled
agent that declares the action among its capabilities (the platform queues an agent command).
Actions with the `platform` executor run here (email, webhook, ticket). Other apps (NLP, AI
analysis) map their phrases and recommendations onto these names through `get_action`.

    action_registry()            -> {name: ResponseActionSpec}
    get_action("quarantine_ip")  -> the block_ip spec (aliases resolve to their action)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from rest_framework import serializers

from config.api.errors import ApplicationError, ErrorCode


class IpParams(serializers.Serializer):
    ip = serializers.IPAddressField(help_text="The address to act on.")
    duration_seconds = serializers.IntegerField(
        min_value=60, max_value=30 * 24 * 3600, required=False, help_text="Undo after this long."
    )
    agent_id = serializers.UUIDField(
        required=False, help_text="A specific enrolled agent; any capable one else."
    )
    all_agents = serializers.BooleanField(
        required=False,
        help_text="In a workflow: one step per enrolled agent able to run it (needs a second approver).",
    )


class UnblockParams(serializers.Serializer):
    ip = serializers.IPAddressField()
    agent_id = serializers.UUIDField(required=False)


class HostParams(serializers.Serializer):
    host = serializers.CharField(max_length=255, help_text="Hostname of the enrolled agent's machine.")
    duration_seconds = serializers.IntegerField(min_value=60, max_value=30 * 24 * 3600, required=False)


class ReleaseHostParams(serializers.Serializer):
    host = serializers.CharField(max_length=255)


class UsersParams(serializers.Serializer):
    users = serializers.ListField(
        child=serializers.CharField(max_length=200), min_length=1, max_length=100, help_text="Account names."
    )
    host = serializers.CharField(max_length=255, required=False)


class UserParams(serializers.Serializer):
    user = serializers.CharField(max_length=200)
    host = serializers.CharField(max_length=255, required=False)


class ForensicParams(serializers.Serializer):
    # The seed's key; the serializer metaclass takes declared fields off the class.
    source = serializers.CharField(max_length=120, default="auth_logs")  # type: ignore[assignment]
    timerange = serializers.RegexField(r"^[0-9]{1,4}[mhd]$", default="1h", help_text="e.g. 30m, 1h, 2d")
    host = serializers.CharField(max_length=255, required=False)


class AlertParams(serializers.Serializer):
    subject = serializers.CharField(max_length=200, required=False, allow_blank=True)
    message = serializers.CharField(max_length=5000, required=False, allow_blank=True)


class WebhookParams(serializers.Serializer):
    message = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    severity = serializers.ChoiceField(choices=["low", "medium", "high", "critical"], required=False)


class TicketParams(serializers.Serializer):
    title = serializers.CharField(max_length=300, required=False, allow_blank=True)
    description = serializers.CharField(max_length=10000, required=False, allow_blank=True)
    priority = serializers.ChoiceField(choices=["low", "medium", "high", "critical"], default="medium")


class RotateCredentialParams(serializers.Serializer):
    credential = serializers.CharField(max_length=200, help_text="The credential to rotate (kind or rule).")
    finding_id = serializers.CharField(max_length=64, required=False, allow_blank=True)
    location = serializers.CharField(
        max_length=500,
        required=False,
        allow_blank=True,
        help_text="Where it was exposed (project, file:line).",
    )
    fingerprint = serializers.CharField(max_length=64, required=False, allow_blank=True)
    owners = serializers.ListField(
        child=serializers.EmailField(),
        required=False,
        max_length=20,
        help_text="Who to notify; the organization's admins else.",
    )


AGENT = "agent"
PLATFORM = "platform"


@dataclass(frozen=True)
class ResponseActionSpec:
    name: str
    category: str
    description: str
    params: type[serializers.Serializer]
    executor: str
    requires_approval: bool
    # The action that undoes this one, and the params it takes from ours.
    reverse: str | None = None
    # What the action contains, for containment records: "ip_block", "host_isolation" or None.
    containment: str | None = None
    aliases: tuple[str, ...] = field(default_factory=tuple)

    def validate(self, params: Any) -> dict[str, Any]:
        """Validated params, or a 400 naming the action and each bad field."""
        if not isinstance(params, dict):
            raise ApplicationError(
                ErrorCode.VALIDATION_ERROR, f"{self.name}: params must be an object.", {"params": params}
            )
        data = self.params(data=params)
        if not data.is_valid():
            raise ApplicationError(
                ErrorCode.VALIDATION_ERROR, f"Invalid params for {self.name}.", {"params": data.errors}
            )
        return {
            key: (str(value) if key == "agent_id" else value) for key, value in data.validated_data.items()
        }

    def param_schema(self) -> dict[str, Any]:
        properties: dict[str, Any] = {}
        required = []
        for name, spec in self.params().fields.items():
            properties[name] = {"type": _json_type(spec), "description": str(spec.help_text or "")}
            if spec.required:
                required.append(name)
        return {"type": "object", "properties": properties, "required": required}


def _json_type(spec: serializers.Field) -> str:
    if isinstance(spec, serializers.ListField):
        return "array"
    if isinstance(spec, serializers.IntegerField):
        return "integer"
    if isinstance(spec, serializers.BooleanField):
        return "boolean"
    return "string"


_REGISTRY: dict[str, ResponseActionSpec] = {}
_ALIASES: dict[str, str] = {}


def register_action(spec: ResponseActionSpec) -> ResponseActionSpec:
    _REGISTRY[spec.name] = spec
    for alias in spec.aliases:
        _ALIASES[alias] = spec.name
    return spec


def action_registry() -> dict[str, ResponseActionSpec]:
    return dict(_REGISTRY)


def get_action(name: str) -> ResponseActionSpec:
    key = (name or "").strip().lower()
    key = _ALIASES.get(key, key)
    try:
        return _REGISTRY[key]
    except KeyError:
        raise ApplicationError(
            ErrorCode.VALIDATION_ERROR,
            f"Unknown response action {name!r}.",
            {"action": name, "known": sorted(_REGISTRY)},
        ) from None


def find_action(name: str) -> ResponseActionSpec | None:
    key = (name or "").strip().lower()
    return _REGISTRY.get(_ALIASES.get(key, key))


for _spec in (
    ResponseActionSpec(
        "block_ip",
        "containment",
        "Block an address at the host firewall of an enrolled agent.",
        IpParams,
        AGENT,
        True,
        reverse="unblock_ip",
        containment="ip_block",
        aliases=("quarantine_ip",),
    ),
    ResponseActionSpec(
        "unblock_ip", "containment", "Lift a block on an address.", UnblockParams, AGENT, False
    ),
    ResponseActionSpec(
        "isolate_host",
        "containment",
        "Cut a host off the network except for the Palisade agent's channel.",
        HostParams,
        AGENT,
        True,
        reverse="release_host",
        containment="host_isolation",
    ),
    ResponseActionSpec(
        "release_host", "containment", "End a host's network isolation.", ReleaseHostParams, AGENT, False
    ),
    ResponseActionSpec(
        "reset_passwords",
        "identity",
        "Force a password reset of accounts on a host.",
        UsersParams,
        AGENT,
        True,
        aliases=("reset_exposed_passwords",),
    ),
    ResponseActionSpec(
        "disable_user",
        "identity",
        "Lock an account on a host.",
        UserParams,
        AGENT,
        True,
        aliases=("disable_account",),
    ),
    ResponseActionSpec(
        "forensic_dump",
        "investigation",
        "Collect logs from a host for a time range.",
        ForensicParams,
        AGENT,
        False,
        aliases=("forensic_analysis", "collect_forensics"),
    ),
    ResponseActionSpec(
        "alert_admin",
        "notification",
        "Email the organization's admins.",
        AlertParams,
        PLATFORM,
        False,
        aliases=("notify_admin",),
    ),
    ResponseActionSpec(
        "notify_webhook",
        "notification",
        "Send a response_notification event to the organization's webhook subscriptions.",
        WebhookParams,
        PLATFORM,
        False,
    ),
    ResponseActionSpec(
        "rotate_credential",
        "identity",
        "Ask the credential's owners to rotate an exposed secret: a ticket, an email, a rotation record.",
        RotateCredentialParams,
        PLATFORM,
        True,
        aliases=("rotate_secret", "revoke_credential"),
    ),
    ResponseActionSpec(
        "create_ticket", "ticketing", "Open a response ticket for follow-up.", TicketParams, PLATFORM, False
    ),
):
    register_action(_spec)
