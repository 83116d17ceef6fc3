from rest_framework import serializers

from organizations.models import (
    ApiKey,
    ApiKeyScope,
    AuditEvent,
    Organization,
    Team,
    TeamMember,
    TeamRole,
)


class OrganizationInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    slug = serializers.SlugField(max_length=80, required=False)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    industry = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    country = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")

    def validate_name(self, value: str) -> str:
        if not value.strip():
            raise serializers.ValidationError("May not be blank.")
        return value.strip()

    def validate_slug(self, value: str) -> str:
        exists = Organization.objects.filter(slug=value)
        if self.instance is not None:
            exists = exists.exclude(pk=self.instance.pk)
        if exists.exists():
            raise serializers.ValidationError("This slug is taken.")
        return value


class OrganizationUpdateSerializer(OrganizationInputSerializer):
    name = serializers.CharField(max_length=200, required=False)
    slug = None  # type: ignore[assignment]  # the slug is part of URLs and integrations: it does not change
    description = serializers.CharField(required=False, allow_blank=True)
    industry = serializers.CharField(max_length=100, required=False, allow_blank=True)
    country = serializers.CharField(max_length=100, required=False, allow_blank=True)


class OrganizationOutputSerializer(serializers.ModelSerializer):
    member_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Organization
        fields = [
            "id",
            "name",
            "slug",
            "description",
            "industry",
            "country",
            "member_count",
            "created_at",
            "updated_at",
        ]


class TeamInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=120)
    description = serializers.CharField(required=False, allow_blank=True, default="")

    def validate_name(self, value: str) -> str:
        if not value.strip():
            raise serializers.ValidationError("May not be blank.")
        return value.strip()


class TeamUpdateSerializer(TeamInputSerializer):
    name = serializers.CharField(max_length=120, required=False)
    description = serializers.CharField(required=False, allow_blank=True)


class TeamMemberInputSerializer(serializers.Serializer):
    user_id = serializers.UUIDField()
    role = serializers.ChoiceField(choices=TeamRole.choices, default=TeamRole.MEMBER)


class TeamMemberOutputSerializer(serializers.ModelSerializer):
    user_id = serializers.UUIDField(read_only=True)
    team_id = serializers.UUIDField(read_only=True)
    email = serializers.EmailField(source="user.email", read_only=True)
    name = serializers.CharField(source="user.full_name", read_only=True)

    class Meta:
        model = TeamMember
        fields = ["id", "team_id", "user_id", "email", "name", "role", "created_at"]


class TeamOutputSerializer(serializers.ModelSerializer):
    member_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Team
        fields = ["id", "name", "description", "member_count", "created_at", "updated_at"]


class TeamWithMembersOutputSerializer(TeamOutputSerializer):
    members = TeamMemberOutputSerializer(many=True, read_only=True)

    class Meta(TeamOutputSerializer.Meta):
        fields = [*TeamOutputSerializer.Meta.fields, "members"]


class TeamListOutputSerializer(TeamOutputSerializer):
    """How a page of teams is documented: `members` is there only with include_members=true."""

    members = TeamMemberOutputSerializer(
        many=True, required=False, help_text="Only when the list is asked for with include_members=true."
    )

    class Meta(TeamOutputSerializer.Meta):
        fields = [*TeamOutputSerializer.Meta.fields, "members"]


class ApiKeyInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=120)
    scopes = serializers.ListField(child=serializers.ChoiceField(choices=ApiKeyScope.choices), min_length=1)
    expires_at = serializers.DateTimeField(required=False, allow_null=True, default=None)


class ApiKeyOutputSerializer(serializers.ModelSerializer):
    created_by = serializers.EmailField(source="created_by.email", read_only=True, default=None)
    is_revoked = serializers.BooleanField(read_only=True)

    class Meta:
        model = ApiKey
        fields = [
            "id",
            "name",
            "prefix",
            "scopes",
            "created_by",
            "created_at",
            "expires_at",
            "last_used_at",
            "revoked_at",
            "is_revoked",
        ]


class ApiKeyCreatedOutputSerializer(ApiKeyOutputSerializer):
    key = serializers.CharField(read_only=True, help_text="The full key. Shown once: store it now.")

    class Meta(ApiKeyOutputSerializer.Meta):
        fields = [*ApiKeyOutputSerializer.Meta.fields, "key"]


class AuditEventOutputSerializer(serializers.ModelSerializer):
    action = serializers.CharField(
        help_text="What happened: identity actions such as login.failed, and other apps' own (billing.plan_changed)."
    )
    actor_id = serializers.UUIDField(read_only=True, allow_null=True)

    class Meta:
        model = AuditEvent
        fields = [
            "id",
            "action",
            "actor_id",
            "actor_email",
            "target_type",
            "target_id",
            "target_repr",
            "ip_address",
            "user_agent",
            "metadata",
            "created_at",
        ]
