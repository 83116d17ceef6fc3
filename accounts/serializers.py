from rest_framework import serializers

from accounts.models import Invite
from organizations.models import Membership, Role

# Roles a client may name: Palisade's four, plus the seeds' spellings (a `developer` is an editor).
ROLE_INPUT_CHOICES = [*Role.values, "developer", "member", "analyst"]

INVITE_STATUS_CHOICES = ["pending", "accepted", "revoked", "expired"]

# ---- People -------------------------------------------------------------------------------


class UserOutputSerializer(serializers.Serializer):
    """The signed-in person with their role in the active organization (seeds A, B, D, E)."""

    id = serializers.UUIDField(source="user.id")
    email = serializers.EmailField(source="user.email")
    username = serializers.CharField(source="user.username", allow_null=True)
    name = serializers.CharField(source="user.full_name", help_text="Seed A's name for full_name.")
    full_name = serializers.CharField(source="user.full_name")
    role = serializers.SerializerMethodField()
    organization_id = serializers.SerializerMethodField()
    is_verified = serializers.BooleanField(source="user.is_verified")
    is_staff = serializers.BooleanField(source="user.is_staff")
    created_at = serializers.DateTimeField(source="user.date_joined")
    last_login_at = serializers.DateTimeField(source="user.last_login", allow_null=True)

    def get_role(self, obj) -> str | None:
        return obj.membership.role if obj.membership else None

    def get_organization_id(self, obj) -> str | None:
        return str(obj.membership.organization_id) if obj.membership else None


class OrganizationBriefSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField()
    slug = serializers.CharField()


class MembershipBriefSerializer(serializers.ModelSerializer):
    organization = OrganizationBriefSerializer()

    class Meta:
        model = Membership
        fields = ["organization", "role", "is_active"]


class MeOutputSerializer(UserOutputSerializer):
    organization = OrganizationBriefSerializer(source="membership.organization", allow_null=True)
    memberships = MembershipBriefSerializer(many=True, help_text="Every organization you belong to.")


class TokenPairSerializer(serializers.Serializer):
    access_token = serializers.CharField()
    refresh_token = serializers.CharField()
    token_type = serializers.CharField(help_text='Always "bearer".')
    expires_in = serializers.IntegerField(help_text="Seconds until the access token expires.")
    token = serializers.CharField(help_text="The access token again, under seed A's name.")


class SessionOutputSerializer(TokenPairSerializer):
    user = UserOutputSerializer()
    organization = OrganizationBriefSerializer(allow_null=True)


class RegistrationOutputSerializer(SessionOutputSerializer):
    recovery_key = serializers.CharField(
        allow_null=True,
        help_text="Only for the installation's first user who set security questions; shown once.",
    )


def session_payload(session, **extra) -> dict:
    tokens = session.tokens
    return {
        **tokens,
        "token": tokens["access_token"],
        "user": UserOutputSerializer(session).data,
        "organization": OrganizationBriefSerializer(session.membership.organization).data
        if session.membership
        else None,
        **extra,
    }


class MemberOutputSerializer(serializers.ModelSerializer):
    """A person as seen inside the active organization (seed A's auth/users, seed C's users)."""

    id = serializers.UUIDField(source="user.id", read_only=True)
    email = serializers.EmailField(source="user.email", read_only=True)
    username = serializers.CharField(source="user.username", read_only=True, allow_null=True)
    name = serializers.CharField(source="user.full_name", read_only=True)
    full_name = serializers.CharField(source="user.full_name", read_only=True)
    role = serializers.ChoiceField(choices=Role.choices, read_only=True)
    is_active = serializers.SerializerMethodField(
        help_text="Active in this organization (and the account enabled)."
    )
    active = serializers.SerializerMethodField(help_text="Seed A's name for is_active.")
    is_verified = serializers.BooleanField(source="user.is_verified", read_only=True)
    last_login_at = serializers.DateTimeField(source="user.last_login", read_only=True, allow_null=True)
    joined_at = serializers.DateTimeField(source="created_at", read_only=True)

    class Meta:
        model = Membership
        fields = [
            "id",
            "email",
            "username",
            "name",
            "full_name",
            "role",
            "is_active",
            "active",
            "is_verified",
            "last_login_at",
            "joined_at",
        ]

    def get_is_active(self, membership) -> bool:
        return membership.is_active and membership.user.is_active

    def get_active(self, membership) -> bool:
        return self.get_is_active(membership)


# ---- Requests -----------------------------------------------------------------------------


class PasswordField(serializers.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 256)
        kwargs.setdefault("trim_whitespace", False)
        kwargs.setdefault("style", {"input_type": "password"})
        super().__init__(**kwargs)


class RegisterInputSerializer(serializers.Serializer):
    email = serializers.EmailField()
    password = PasswordField(
        help_text="At least 12 characters, not common, not all digits, not like your name or email."
    )
    name = serializers.CharField(
        max_length=200, required=False, allow_blank=True, help_text="Seed A; same as full_name."
    )
    full_name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    username = serializers.CharField(max_length=150, required=False, allow_blank=True, allow_null=True)
    organization_name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    invite_token = serializers.CharField(max_length=200, required=False, allow_blank=True)
    security_question_1 = serializers.CharField(max_length=200, required=False, allow_blank=True)
    security_answer_1 = serializers.CharField(max_length=200, required=False, allow_blank=True)
    security_question_2 = serializers.CharField(max_length=200, required=False, allow_blank=True)
    security_answer_2 = serializers.CharField(max_length=200, required=False, allow_blank=True)

    SECURITY = ("security_question_1", "security_answer_1", "security_question_2", "security_answer_2")

    def validate(self, attrs):
        given = [f for f in self.SECURITY if attrs.get(f)]
        if given and len(given) != len(self.SECURITY):
            missing = [f for f in self.SECURITY if not attrs.get(f)]
            raise serializers.ValidationError({f: ["Give both questions and both answers."] for f in missing})
        return attrs

    def service_arguments(self) -> dict:
        data = self.validated_data
        security = None
        if data.get("security_question_1"):
            security = {
                "question_1": data["security_question_1"],
                "answer_1": data["security_answer_1"],
                "question_2": data["security_question_2"],
                "answer_2": data["security_answer_2"],
            }
        return {
            "email": data["email"],
            "password": data["password"],
            "full_name": data.get("full_name") or data.get("name") or "",
            "username": data.get("username"),
            "organization_name": data.get("organization_name", ""),
            "invite_token": data.get("invite_token", ""),
            "security": security,
        }


class LoginInputSerializer(serializers.Serializer):
    email = serializers.CharField(max_length=254, required=False, help_text="Email (or username).")
    username = serializers.CharField(
        max_length=254, required=False, help_text="Username (or email), seeds D and E."
    )
    password = PasswordField()
    organization = serializers.CharField(
        max_length=100,
        required=False,
        help_text="Organization id or slug to sign into (default: your first).",
    )

    def validate(self, attrs):
        if not (attrs.get("email") or attrs.get("username")):
            raise serializers.ValidationError({"email": ["Give email or username."]})
        attrs["login"] = attrs.get("email") or attrs.get("username")
        return attrs


class RefreshInputSerializer(serializers.Serializer):
    refresh_token = serializers.CharField(
        required=False, help_text="Or send it as Authorization: Bearer <refresh_token>."
    )
    refresh = serializers.CharField(required=False, help_text="simplejwt's name for refresh_token.")
    organization = serializers.CharField(
        max_length=100, required=False, help_text="Switch organization (id or slug)."
    )


class LogoutInputSerializer(serializers.Serializer):
    refresh_token = serializers.CharField(
        required=False, help_text="End this session only; without it, every session ends."
    )


class SwitchOrganizationInputSerializer(serializers.Serializer):
    organization = serializers.CharField(max_length=100, help_text="Organization id or slug.")


class ValidateOutputSerializer(serializers.Serializer):
    valid = serializers.BooleanField()
    user = UserOutputSerializer(allow_null=True)


class ChangePasswordInputSerializer(serializers.Serializer):
    current_password = PasswordField()
    new_password = PasswordField()


class NewPasswordInputSerializer(serializers.Serializer):
    new_password = PasswordField()


class RecoveryQuestionsOutputSerializer(serializers.Serializer):
    question_1 = serializers.CharField()
    question_2 = serializers.CharField()


class RecoverWithKeyInputSerializer(serializers.Serializer):
    email = serializers.EmailField()
    recovery_key = serializers.CharField(max_length=64)
    new_password = PasswordField()


class RecoverWithQuestionsInputSerializer(serializers.Serializer):
    email = serializers.EmailField()
    answer_1 = serializers.CharField(max_length=200)
    answer_2 = serializers.CharField(max_length=200)
    new_password = PasswordField()


class RecoveredOutputSerializer(serializers.Serializer):
    message = serializers.CharField()
    recovery_key = serializers.CharField(
        required=False,
        help_text="With a recovery key: the used key is spent and this new one replaces it (shown once).",
    )


class MessageOutputSerializer(serializers.Serializer):
    message = serializers.CharField()


class AuthStatusOutputSerializer(serializers.Serializer):
    has_users = serializers.BooleanField()
    message = serializers.CharField()


# ---- Invitations and membership administration --------------------------------------------


class InviteInputSerializer(serializers.Serializer):
    email = serializers.EmailField()
    role = serializers.ChoiceField(choices=ROLE_INPUT_CHOICES, default=Role.VIEWER)


class InviteOutputSerializer(serializers.ModelSerializer):
    status = serializers.ChoiceField(choices=INVITE_STATUS_CHOICES, read_only=True)
    invited_by = serializers.EmailField(source="invited_by.email", read_only=True, default=None)

    class Meta:
        model = Invite
        fields = [
            "id",
            "email",
            "role",
            "status",
            "invited_by",
            "expires_at",
            "accepted_at",
            "revoked_at",
            "created_at",
        ]


class InviteCreatedOutputSerializer(InviteOutputSerializer):
    token = serializers.CharField(
        read_only=True, help_text="The invitation token (also emailed). Shown once."
    )
    invite_url = serializers.CharField(read_only=True)

    class Meta(InviteOutputSerializer.Meta):
        fields = [*InviteOutputSerializer.Meta.fields, "token", "invite_url"]


class InviteAcceptInputSerializer(serializers.Serializer):
    token = serializers.CharField(max_length=200)


class RoleInputSerializer(serializers.Serializer):
    role = serializers.ChoiceField(choices=ROLE_INPUT_CHOICES)


class ActiveInputSerializer(serializers.Serializer):
    active = serializers.BooleanField()


class MemberCreateInputSerializer(serializers.Serializer):
    email = serializers.EmailField()
    name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    full_name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    role = serializers.ChoiceField(choices=ROLE_INPUT_CHOICES, default=Role.VIEWER)
    password = PasswordField(
        required=False, help_text="Optional: without it the person gets an invitation email to set their own."
    )


class MemberUpdateInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200, required=False)
    full_name = serializers.CharField(max_length=200, required=False)
    username = serializers.CharField(max_length=150, required=False, allow_blank=True, allow_null=True)
    role = serializers.ChoiceField(choices=ROLE_INPUT_CHOICES, required=False)
    is_active = serializers.BooleanField(required=False)
    active = serializers.BooleanField(required=False)

    def changes(self) -> dict:
        data = dict(self.validated_data)
        if "name" in data:
            data.setdefault("full_name", data.pop("name"))
        if "active" in data:
            data.setdefault("is_active", data.pop("active"))
        data.pop("name", None)
        data.pop("active", None)
        return data
