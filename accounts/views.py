"""The identity API: sign-in flows (auth/*), invitations, and people in the active organization."""

from dataclasses import dataclass
from types import SimpleNamespace

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import services
from accounts.filters import MemberFilter
from accounts.models import Invite, User
from accounts.serializers import (
    ActiveInputSerializer,
    AuthStatusOutputSerializer,
    ChangePasswordInputSerializer,
    InviteAcceptInputSerializer,
    InviteCreatedOutputSerializer,
    InviteInputSerializer,
    InviteOutputSerializer,
    LoginInputSerializer,
    LogoutInputSerializer,
    MemberCreateInputSerializer,
    MemberOutputSerializer,
    MemberUpdateInputSerializer,
    MeOutputSerializer,
    MessageOutputSerializer,
    NewPasswordInputSerializer,
    RecoveredOutputSerializer,
    RecoverWithKeyInputSerializer,
    RecoverWithQuestionsInputSerializer,
    RecoveryQuestionsOutputSerializer,
    RefreshInputSerializer,
    RegisterInputSerializer,
    RegistrationOutputSerializer,
    RoleInputSerializer,
    SessionOutputSerializer,
    SwitchOrganizationInputSerializer,
    UserOutputSerializer,
    ValidateOutputSerializer,
    session_payload,
)
from accounts.tokens import tokens_for
from config.api.errors import ApplicationError, ErrorCode
from organizations import services as org_services
from organizations.models import Membership
from organizations.permissions import IsAuthenticatedUser, IsOrgAdmin, IsOrgMember
from organizations.viewsets import OrganizationScopedViewSet

AUTH = ["auth"]


class PublicAuthView(APIView):
    """Endpoints a signed-out client calls: no credentials needed, counted per client IP."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    rate_group = "auth"


@dataclass
class _Principal:
    user: User
    membership: Membership | None


def _me(request) -> _Principal:
    return _Principal(request.user, getattr(request, "membership", None))


class AuthStatusView(PublicAuthView):
    rate_group = "standard"

    @extend_schema(
        summary="Whether any account exists (login or first registration)",
        responses=AuthStatusOutputSerializer,
        tags=AUTH,
    )
    def get(self, request):
        has_users = User.objects.exists()
        message = (
            "Users exist, please login" if has_users else "No users yet, please register the first admin"
        )
        return Response({"has_users": has_users, "message": message})


class RegisterView(PublicAuthView):
    @extend_schema(
        summary="Create an account: a new organization, or join one with an invitation",
        request=RegisterInputSerializer,
        responses={201: RegistrationOutputSerializer},
        tags=AUTH,
    )
    def post(self, request):
        data = RegisterInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        registration = services.user_register(request=request, **data.service_arguments())
        session = services.Session(
            registration.user,
            registration.membership,
            tokens_for(user=registration.user, membership=registration.membership),
        )
        return Response(
            session_payload(session, recovery_key=registration.recovery_key), status=status.HTTP_201_CREATED
        )


class LoginView(PublicAuthView):
    @extend_schema(
        summary="Sign in with email or username and password",
        description="Five failed attempts for one account, or from one IP, lock sign-in for 15 minutes (429).",
        request=LoginInputSerializer,
        responses=SessionOutputSerializer,
        tags=AUTH,
    )
    def post(self, request):
        data = LoginInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        session = services.login(
            login=data.validated_data["login"],
            password=data.validated_data["password"],
            organization_ref=data.validated_data.get("organization"),
            request=request,
        )
        return Response(session_payload(session))


class RefreshView(PublicAuthView):
    @extend_schema(
        summary="New tokens for a refresh token (rotated: the old one stops working)",
        description="The refresh token goes in the body as `refresh_token`, or as `Authorization: Bearer <refresh_token>`.",
        request=RefreshInputSerializer,
        responses=SessionOutputSerializer,
        tags=AUTH,
    )
    def post(self, request):
        data = RefreshInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        raw = data.validated_data.get("refresh_token") or data.validated_data.get("refresh")
        header = request.headers.get("Authorization", "")
        if not raw and header.lower().startswith("bearer "):
            raw = header[7:].strip()
        if not raw:
            raise ApplicationError(
                ErrorCode.VALIDATION_ERROR,
                "Give the refresh token as refresh_token or as a Bearer token.",
                {"fields": {"refresh_token": ["Required."]}},
            )
        session = services.refresh(raw_token=raw, organization_ref=data.validated_data.get("organization"))
        return Response(session_payload(session))


class LogoutView(APIView):
    permission_classes = [IsAuthenticatedUser]

    @extend_schema(
        summary="Sign out: end this session (with refresh_token) or every session",
        request=LogoutInputSerializer,
        responses={204: None},
        tags=AUTH,
    )
    def post(self, request):
        data = LogoutInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.logout(
            user=request.user, raw_refresh=data.validated_data.get("refresh_token"), request=request
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeView(APIView):
    permission_classes = [IsAuthenticatedUser]

    @extend_schema(
        summary="You, your role in the active organization, and your organizations",
        responses=MeOutputSerializer,
        tags=AUTH,
    )
    def get(self, request):
        principal = _me(request)
        memberships = Membership.objects.unscoped().filter(user=request.user).select_related("organization")
        payload = MeOutputSerializer(
            SimpleNamespace(user=principal.user, membership=principal.membership, memberships=memberships)
        ).data
        return Response(payload)


class ValidateView(PublicAuthView):
    rate_group = "standard"

    @extend_schema(
        summary="Whether an access token is valid now, and whose it is",
        parameters=[
            OpenApiParameter("token", OpenApiTypes.STR, required=True, description="An access token.")
        ],
        responses=ValidateOutputSerializer,
        tags=AUTH,
    )
    def get(self, request):
        token = request.query_params.get("token", "").strip()
        if not token:
            raise ApplicationError(
                ErrorCode.VALIDATION_ERROR,
                "Give the token to validate.",
                {"fields": {"token": ["Required."]}},
            )
        found = services.validate_access_token(token)
        if found is None:
            return Response({"valid": False, "user": None})
        return Response({"valid": True, "user": UserOutputSerializer(_Principal(*found)).data})


class ChangePasswordView(APIView):
    permission_classes = [IsAuthenticatedUser]

    @extend_schema(
        summary="Change your password (other sessions end; new tokens for this one)",
        request=ChangePasswordInputSerializer,
        responses=SessionOutputSerializer,
        tags=AUTH,
    )
    def post(self, request):
        data = ChangePasswordInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.password_change(user=request.user, request=request, **data.validated_data)
        membership = getattr(request, "membership", None)
        session = services.Session(
            request.user, membership, tokens_for(user=request.user, membership=membership)
        )
        return Response(session_payload(session))


class SwitchOrganizationView(APIView):
    permission_classes = [IsAuthenticatedUser]

    @extend_schema(
        summary="Tokens for another of your organizations",
        request=SwitchOrganizationInputSerializer,
        responses=SessionOutputSerializer,
        tags=AUTH,
    )
    def post(self, request):
        data = SwitchOrganizationInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        session = services.switch_organization(
            user=request.user, organization_ref=data.validated_data["organization"]
        )
        return Response(session_payload(session))


class RecoveryQuestionsView(PublicAuthView):
    @extend_schema(
        summary="The security questions of an account",
        description="Answers the same way whether or not the email has an account.",
        responses=RecoveryQuestionsOutputSerializer,
        tags=AUTH,
    )
    def get(self, request, email):
        question_1, question_2 = services.recovery_questions_for(email)
        return Response({"question_1": question_1, "question_2": question_2})


class RecoverWithKeyView(PublicAuthView):
    @extend_schema(
        summary="Set a new password with the recovery key",
        request=RecoverWithKeyInputSerializer,
        responses=RecoveredOutputSerializer,
        tags=AUTH,
    )
    def post(self, request):
        data = RecoverWithKeyInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        new_key = services.recover_with_key(request=request, **data.validated_data)
        return Response(
            {
                "message": "Password changed. Every session was signed out. Store your new recovery key.",
                "recovery_key": new_key,
            }
        )


class RecoverWithQuestionsView(PublicAuthView):
    @extend_schema(
        summary="Set a new password by answering the security questions",
        request=RecoverWithQuestionsInputSerializer,
        responses=RecoveredOutputSerializer,
        tags=AUTH,
    )
    def post(self, request):
        data = RecoverWithQuestionsInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.recover_with_questions(request=request, **data.validated_data)
        return Response({"message": "Password changed. Every session was signed out."})


INVITES = ["invites"]


@extend_schema_view(
    list=extend_schema(summary="Invitations of the organization (admin)", tags=INVITES),
    retrieve=extend_schema(summary="One invitation (admin)", tags=INVITES),
)
class InviteViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, OrganizationScopedViewSet):
    queryset = Invite.objects.select_related("invited_by")
    serializer_class = InviteOutputSerializer
    permission_classes = [IsOrgAdmin]
    ordering = ["-created_at"]
    search_fields = ["email"]

    @extend_schema(
        summary="Invite someone by email with a role (admin)",
        request=InviteInputSerializer,
        responses={201: InviteCreatedOutputSerializer},
        tags=INVITES,
    )
    def create(self, request):
        data = InviteInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        invite, token = services.invite_create(
            organization=self.organization, actor=request.user, request=request, **data.validated_data
        )
        invite.token = token
        invite.invite_url = services.invite_url(token)
        return Response(InviteCreatedOutputSerializer(invite).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="Revoke a pending invitation (admin)", responses={204: None}, tags=INVITES)
    def destroy(self, request, pk=None):
        services.invite_revoke(invite=self.get_object(), actor=request.user, request=request)
        return Response(status=status.HTTP_204_NO_CONTENT)


class InviteAcceptView(APIView):
    permission_classes = [IsAuthenticatedUser]

    @extend_schema(
        summary="Accept an invitation with your existing account",
        request=InviteAcceptInputSerializer,
        responses=SessionOutputSerializer,
        tags=INVITES,
    )
    def post(self, request):
        data = InviteAcceptInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        membership = services.invite_accept(
            token=data.validated_data["token"], user=request.user, request=request
        )
        session = services.switch_organization(user=request.user, organization_ref=membership.organization_id)
        return Response(session_payload(session))


class MemberViewSet(OrganizationScopedViewSet):
    """People are addressed by their user id; the row behind it is their membership here."""

    queryset = Membership.objects.select_related("user", "organization")
    serializer_class = MemberOutputSerializer
    lookup_field = "user_id"
    lookup_url_kwarg = "user_id"
    lookup_value_regex = "[^/]+"
    filterset_class = MemberFilter
    search_fields = ["user__email", "user__full_name", "user__username"]
    ordering_fields = ["created_at", "role", "user__email", "user__full_name"]
    ordering = ["created_at"]


ADMIN_USERS = ["users"]


@extend_schema_view(list=extend_schema(summary="People of the organization (admin)", tags=ADMIN_USERS))
class AdminUserViewSet(mixins.ListModelMixin, MemberViewSet):
    """Seed A's admin endpoints under auth/users."""

    permission_classes = [IsOrgAdmin]

    @extend_schema(
        summary="Change a person's role (admin)",
        request=RoleInputSerializer,
        responses=MemberOutputSerializer,
        tags=ADMIN_USERS,
    )
    @action(detail=True, methods=["put"])
    def role(self, request, user_id=None):
        data = RoleInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        membership = org_services.membership_set_role(
            membership=self.get_object(),
            role=data.validated_data["role"],
            actor=request.user,
            request=request,
        )
        return Response(MemberOutputSerializer(membership).data)

    @extend_schema(
        summary="Deactivate or reactivate a person in this organization (admin)",
        request=ActiveInputSerializer,
        responses=MemberOutputSerializer,
        tags=ADMIN_USERS,
    )
    @action(detail=True, methods=["put"])
    def active(self, request, user_id=None):
        data = ActiveInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        membership = org_services.membership_set_active(
            membership=self.get_object(),
            active=data.validated_data["active"],
            actor=request.user,
            request=request,
        )
        if not membership.is_active:
            services.revoke_refresh_tokens(user=membership.user)
        return Response(MemberOutputSerializer(membership).data)

    @extend_schema(
        summary="Remove a person from the organization (admin)", responses={204: None}, tags=ADMIN_USERS
    )
    def destroy(self, request, user_id=None):
        org_services.membership_remove(membership=self.get_object(), actor=request.user, request=request)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ResetPasswordViewSet(MemberViewSet):
    permission_classes = [IsOrgAdmin]

    @extend_schema(
        summary="Set a person's password (admin); their sessions end",
        request=NewPasswordInputSerializer,
        responses={200: MessageOutputSerializer},
        tags=ADMIN_USERS,
    )
    def create(self, request, user_id=None):
        data = NewPasswordInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.password_reset_by_admin(
            actor=request.user,
            membership=self.get_object(),
            new_password=data.validated_data["new_password"],
            request=request,
        )
        return Response({"message": "Password reset. The person's sessions were signed out."})


@extend_schema_view(
    list=extend_schema(summary="People of the active organization", tags=ADMIN_USERS),
    retrieve=extend_schema(summary="One person of the organization", tags=ADMIN_USERS),
)
class UserViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, MemberViewSet):
    """Seed C's users: every member reads; admins add people; people edit their own profile."""

    permission_classes = [IsOrgMember]

    def get_permissions(self):
        if self.action == "create":
            return [IsOrgAdmin()]
        return super().get_permissions()

    @extend_schema(
        summary="Add a person to the organization (admin)",
        request=MemberCreateInputSerializer,
        responses={201: MemberOutputSerializer},
        tags=ADMIN_USERS,
    )
    def create(self, request):
        data = MemberCreateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        membership = services.member_create(
            organization=self.organization,
            email=values["email"],
            full_name=values.get("full_name") or values.get("name", ""),
            role=values["role"],
            password=values.get("password"),
            actor=request.user,
            request=request,
        )
        return Response(MemberOutputSerializer(membership).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Update a person: profile (yourself or admin), role and active (admin)",
        request=MemberUpdateInputSerializer,
        responses=MemberOutputSerializer,
        tags=ADMIN_USERS,
    )
    def update(self, request, user_id=None):
        data = MemberUpdateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        if getattr(request, "api_key", None) is not None:
            self.permission_denied(request, message="API keys cannot change people.")
        membership = services.member_update(
            membership=self.get_object(),
            actor=request.user,
            actor_membership=request.membership,
            request=request,
            **data.changes(),
        )
        membership.user.refresh_from_db()
        return Response(MemberOutputSerializer(membership).data)
