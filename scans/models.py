"""Projects, scans, findings and alerts of the AI-security scanner (seed E).

Nothing here holds a secret or a piece of PII in clear: a finding keeps a redacted preview and a
salted hash of the matched value; a scan's input waits for its job encrypted and is erased when
the job ends; a repository token is stored encrypted and never returned.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from organizations.tenancy import OrganizationScopedModel


class RepoType(models.TextChoices):
    GITHUB = "github", "GitHub"
    GITLAB = "gitlab", "GitLab"
    GIT = "git", "Git"
    UPLOAD = "upload", "Upload"


class ScanType(models.TextChoices):
    CODE = "code", "Code"
    PROMPT = "prompt", "Prompt"
    PII = "pii", "PII"


class ScanStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    COMPLETED = "completed", "Completed"
    FAILED = "failed", "Failed"


class ScanSource(models.TextChoices):
    SNIPPET = "snippet", "Snippet"
    ARCHIVE = "archive", "Archive"
    REPOSITORY = "repository", "Repository"
    TEXT = "text", "Text"


class Severity(models.TextChoices):
    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"
    CRITICAL = "critical", "Critical"


class RiskLevel(models.TextChoices):
    NONE = "none", "None"
    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"
    CRITICAL = "critical", "Critical"


class FindingStatus(models.TextChoices):
    OPEN = "open", "Open"
    FIXED = "fixed", "Fixed"
    FALSE_POSITIVE = "false_positive", "False positive"
    ACCEPTED_RISK = "accepted_risk", "Accepted risk"
    EXCEPTION = "exception", "Exception"


class TriageResolution(models.TextChoices):
    """What a triage rule makes of the findings it matches (the triaged statuses of a finding)."""

    FALSE_POSITIVE = "false_positive", "False positive"
    ACCEPTED_RISK = "accepted_risk", "Accepted risk"
    EXCEPTION = "exception", "Exception"


class AllowMatchType(models.TextChoices):
    PHRASE = "phrase", "Phrase"
    WILDCARD = "wildcard", "Wildcard"


class Project(OrganizationScopedModel):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True, default="")
    repo_type = models.CharField(max_length=16, choices=RepoType.choices, default=RepoType.UPLOAD)
    repo_url = models.CharField(max_length=500, blank=True, default="")
    # Fernet token (ai.crypto) of the repository access token; write-only through the API.
    access_token_encrypted = models.TextField(blank=True, default="")
    is_public = models.BooleanField(default=False)
    scan_count = models.PositiveIntegerField(default=0)
    last_scan = models.DateTimeField(null=True, blank=True)
    last_risk_score = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["organization", "name"])]

    def __str__(self) -> str:
        return self.name

    @property
    def has_access_token(self) -> bool:
        return bool(self.access_token_encrypted)


class Scan(OrganizationScopedModel):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, null=True, blank=True, related_name="scans"
    )
    scan_type = models.CharField(max_length=8, choices=ScanType.choices)
    source = models.CharField(max_length=16, choices=ScanSource.choices)
    status = models.CharField(max_length=16, choices=ScanStatus.choices, default=ScanStatus.QUEUED)
    failure_reason = models.TextField(blank=True, default="")
    # What the input was (filename, language, model, content_type, redact): never the input itself.
    options = models.JSONField(default=dict, blank=True)
    # The input, Fernet-encrypted, until the job has read it; then erased.
    payload_encrypted = models.BinaryField(null=True, blank=True, editable=False)
    # Identifies the scanned scope: a complete rescan of the same scope fixes what it no longer finds.
    scope_key = models.CharField(max_length=300, blank=True, default="")
    input_sha256 = models.CharField(max_length=64, blank=True, default="")
    ai_risk_score = models.PositiveSmallIntegerField(null=True, blank=True)
    risk_level = models.CharField(max_length=8, choices=RiskLevel.choices, blank=True, default="")
    findings_summary = models.JSONField(default=dict, blank=True)
    findings_count = models.PositiveIntegerField(default=0)
    # Engine output shown by GET scans/{id}: redacted findings, prompt scores, PII counts.
    results = models.JSONField(default=list, blank=True)
    details = models.JSONField(default=dict, blank=True)
    execution_time_seconds = models.FloatField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["organization", "project", "-created_at"]),
            models.Index(fields=["organization", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.scan_type} scan {self.pk} ({self.status})"


class Finding(OrganizationScopedModel):
    """One issue in one scope, across scans: identified by a fingerprint that ignores line moves."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, null=True, blank=True, related_name="findings"
    )
    scope_key = models.CharField(max_length=300)
    fingerprint = models.CharField(max_length=64)
    scan_type = models.CharField(max_length=8, choices=ScanType.choices)
    rule_id = models.CharField(max_length=100)
    finding_type = models.CharField(max_length=100)
    severity = models.CharField(max_length=8, choices=Severity.choices)
    file_path = models.CharField(max_length=500, blank=True, default="")
    line_number = models.PositiveIntegerField(null=True, blank=True)
    description = models.TextField()
    remediation = models.TextField(blank=True, default="")
    redacted_preview = models.CharField(max_length=200, blank=True, default="")
    # HMAC-SHA256 of the matched value under SCANS_FINDING_HASH_KEY and the organization id.
    value_hash = models.CharField(max_length=64, blank=True, default="")
    status = models.CharField(max_length=16, choices=FindingStatus.choices, default=FindingStatus.OPEN)
    first_seen_scan = models.ForeignKey(Scan, on_delete=models.SET_NULL, null=True, related_name="+")
    last_seen_scan = models.ForeignKey(Scan, on_delete=models.SET_NULL, null=True, related_name="+")
    fixed_at = models.DateTimeField(null=True, blank=True)
    # accepted_risk lapses at this moment: the next scan that still finds it reopens it.
    triage_expires_at = models.DateTimeField(null=True, blank=True)
    # Who or what triaged it: a person (triaged_by) or a triage rule (an exception or a bulk verdict).
    triage_rule = models.ForeignKey(
        "TriageRule", on_delete=models.SET_NULL, null=True, blank=True, related_name="findings"
    )
    triage_reason = models.TextField(blank=True, default="")
    triaged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    triaged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            # One row per issue per scope: a duplicate cannot exist, active or not.
            models.UniqueConstraint(
                fields=["organization", "scope_key", "fingerprint"], name="scans_finding_unique_per_scope"
            )
        ]

    def __str__(self) -> str:
        return f"{self.finding_type} in {self.file_path or self.scope_key} ({self.status})"


class TriageRule(OrganizationScopedModel):
    """A verdict for every finding it matches, now and in future scans, until it expires or is deleted.

    Scope: an engine rule (`rule_id`), a file glob (`file_pattern`), a project, or (no project) the
    whole organization; at least one of rule_id / file_pattern narrows it.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=200)
    resolution = models.CharField(
        max_length=16, choices=TriageResolution.choices, default=TriageResolution.EXCEPTION
    )
    reason = models.TextField(blank=True, default="")
    rule_id = models.CharField(max_length=100, blank=True, default="")
    file_pattern = models.CharField(max_length=300, blank=True, default="")
    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, null=True, blank=True, related_name="triage_rules"
    )
    expires_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.name


class PromptAllowEntry(OrganizationScopedModel):
    """A phrase (or `*` wildcard pattern) an organization declares benign in its own prompts."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    value = models.CharField(max_length=500)
    match_type = models.CharField(
        max_length=10, choices=AllowMatchType.choices, default=AllowMatchType.PHRASE
    )
    description = models.CharField(max_length=500, blank=True, default="")
    is_active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "match_type", "value"], name="scans_prompt_allow_entry_unique"
            )
        ]

    def __str__(self) -> str:
        return self.value[:80]


class Alert(OrganizationScopedModel):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, null=True, blank=True, related_name="alerts"
    )
    scan = models.ForeignKey(Scan, on_delete=models.CASCADE, null=True, blank=True, related_name="alerts")
    finding = models.ForeignKey(
        Finding, on_delete=models.SET_NULL, null=True, blank=True, related_name="alerts"
    )
    alert_type = models.CharField(max_length=40)
    severity = models.CharField(max_length=8, choices=Severity.choices)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True, default="")
    is_read = models.BooleanField(default=False)
    is_resolved = models.BooleanField(default=False)
    triggered_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["-triggered_at"]
        indexes = [models.Index(fields=["organization", "project", "-triggered_at"])]

    def __str__(self) -> str:
        return self.title
