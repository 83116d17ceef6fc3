import uuid

from django.conf import settings
from django.db import models
from django.utils.text import slugify

from organizations.tenancy import OrganizationScopedModel


class Role(models.TextChoices):
    ADMIN = "admin", "Admin"
    MANAGER = "manager", "Manager"
    EDITOR = "editor", "Editor"
    VIEWER = "viewer", "Viewer"

    @classmethod
    def rank(cls, role: str) -> int:
        ranks: dict[str, int] = {cls.VIEWER: 1, cls.EDITOR: 2, cls.MANAGER: 3, cls.ADMIN: 4}
        return ranks.get(role, 0)

    @classmethod
    def normalize(cls, role: str) -> str:
        """Seed spellings to Palisade roles (a seed's `developer` is an editor)."""
        aliases = {"developer": cls.EDITOR, "member": cls.EDITOR, "owner": cls.ADMIN, "analyst": cls.EDITOR}
        role = (role or "").strip().lower()
        return aliases.get(role, role)


class Organization(models.Model):
    """The tenant. Everything a customer owns hangs off one organization."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80, unique=True)
    description = models.TextField(blank=True)
    industry = models.CharField(max_length=100, blank=True)
    country = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @staticmethod
    def unique_slug_for(name: str) -> str:
        base = slugify(name)[:60] or "organization"
        slug, n = base, 1
        while Organization.objects.filter(slug=slug).exists():
            n += 1
            slug = f"{base}-{n}"
        return slug


class Membership(OrganizationScopedModel):
    """A user's place in an organization, with one role."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.VIEWER)
    is_active = models.BooleanField(
        default=True, help_text="A deactivated member cannot act in this organization."
    )

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "user"], name="membership_unique_user")
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.organization} ({self.role})"

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    def has_role(self, minimum: str) -> bool:
        return Role.rank(self.role) >= Role.rank(minimum)


class Team(OrganizationScopedModel):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["organization", "name"], name="team_unique_name")]

    def __str__(self) -> str:
        return self.name


class TeamRole(models.TextChoices):
    LEAD = "lead", "Lead"
    MEMBER = "member", "Member"


class TeamMember(OrganizationScopedModel):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="team_memberships"
    )
    role = models.CharField(max_length=8, choices=TeamRole.choices, default=TeamRole.MEMBER)

    class Meta:
        ordering = ["created_at"]
        constraints = [models.UniqueConstraint(fields=["team", "user"], name="team_member_unique_user")]

    def __str__(self) -> str:
        return f"{self.user} in {self.team} ({self.role})"


class ApiKeyScope(models.TextChoices):
    READ = "read", "Read the organization's data"
    WRITE = "write", "Create and change the organization's data (editor level)"
    INGEST = "ingest", "Send events and metrics for ingestion"
    MCP = "mcp", "MCP servers: collect metrics"


class ApiKey(OrganizationScopedModel):
    """A machine credential for one organization. Only a SHA-256 digest of the secret is stored."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=120)
    prefix = models.CharField(max_length=16, unique=True, help_text="Shown in lists to recognise the key.")
    key_digest = models.CharField(max_length=64, unique=True)
    scopes = models.JSONField(default=list)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    expires_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "API key"

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None


class AuditAction(models.TextChoices):
    LOGIN_SUCCEEDED = "login.succeeded", "Login succeeded"
    LOGIN_FAILED = "login.failed", "Login failed"
    LOCKED_OUT = "login.locked_out", "Locked out"
    LOGOUT = "logout", "Logout"
    REGISTERED = "user.registered", "Registered"
    PASSWORD_CHANGED = "password.changed", "Password changed"
    PASSWORD_RESET = "password.reset", "Password reset by an admin"
    PASSWORD_RECOVERED = "password.recovered", "Password recovered"
    RECOVERY_FAILED = "password.recovery_failed", "Password recovery failed"
    INVITE_SENT = "invite.sent", "Invitation sent"
    INVITE_ACCEPTED = "invite.accepted", "Invitation accepted"
    INVITE_REVOKED = "invite.revoked", "Invitation revoked"
    MEMBER_ADDED = "member.added", "Member added"
    ROLE_CHANGED = "member.role_changed", "Role changed"
    MEMBER_ACTIVATED = "member.activated", "Member reactivated"
    MEMBER_DEACTIVATED = "member.deactivated", "Member deactivated"
    MEMBER_REMOVED = "member.removed", "Member removed"
    API_KEY_CREATED = "api_key.created", "API key created"
    API_KEY_REVOKED = "api_key.revoked", "API key revoked"
    ORGANIZATION_CREATED = "organization.created", "Organization created"
    ORGANIZATION_UPDATED = "organization.updated", "Organization updated"
    TEAM_CREATED = "team.created", "Team created"
    TEAM_UPDATED = "team.updated", "Team updated"
    TEAM_DELETED = "team.deleted", "Team deleted"
    TEAM_MEMBER_ADDED = "team.member_added", "Team member added"
    TEAM_MEMBER_REMOVED = "team.member_removed", "Team member removed"


class AuditEvent(OrganizationScopedModel):
    """Who did what to what, from where. Append-only.

    `organization` is empty for events that belong to no organization yet (a failed login
    for an unknown email); those are visible to operators in the Django admin only.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(  # type: ignore[assignment]  # nullable here, unlike other tenant rows
        Organization, null=True, blank=True, on_delete=models.CASCADE, related_name="audit_events"
    )
    action = models.CharField(max_length=40, choices=AuditAction.choices, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_email = models.CharField(max_length=254, blank=True)
    target_type = models.CharField(max_length=60, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    target_repr = models.CharField(max_length=200, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=400, blank=True)
    metadata = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["organization", "-created_at"], name="audit_org_created")]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} by {self.actor_email or '-'}"
