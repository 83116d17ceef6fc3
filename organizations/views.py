from django.db import transaction
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from organizations import selectors, services
from organizations.filters import AuditEventFilter
from organizations.models import ApiKey, AuditEvent, Organization, Role, Team
from organizations.permissions import IsAuthenticatedUser, IsOrgAdmin, IsOrgManagerOrReadOnly
from organizations.serializers import (
    ApiKeyCreatedOutputSerializer,
    ApiKeyInputSerializer,
    ApiKeyOutputSerializer,
    AuditEventOutputSerializer,
    OrganizationInputSerializer,
    OrganizationOutputSerializer,
    OrganizationUpdateSerializer,
    TeamInputSerializer,
    TeamListOutputSerializer,
    TeamMemberInputSerializer,
    TeamMemberOutputSerializer,
    TeamOutputSerializer,
    TeamUpdateSerializer,
    TeamWithMembersOutputSerializer,
)
from organizations.viewsets import OrganizationScopedViewSet

ORGS = ["organizations"]


@extend_schema_view(
    list=extend_schema(summary="Organizations you belong to", tags=ORGS),
    retrieve=extend_schema(summary="One of your organizations", tags=ORGS),
)
class OrganizationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Seed E's organizations. Membership-based rather than active-organization-based: a user
    sees every organization they belong to, and one they do not belong to is a 404."""

    serializer_class = OrganizationOutputSerializer
    permission_classes = [IsAuthenticatedUser]
    ordering_fields = ["name", "created_at"]
    search_fields = ["name", "slug"]
    lookup_value_regex = "[^/]+"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation has no user
            return Organization.objects.none()
        return selectors.organizations_of(user=self.request.user)

    @extend_schema(
        summary="Create an organization (you become its admin)",
        request=OrganizationInputSerializer,
        responses={201: OrganizationOutputSerializer},
        tags=ORGS,
    )
    def create(self, request):
        data = OrganizationInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        organization = services.organization_create(
            owner=request.user, request=request, **data.validated_data
        )
        organization = self.get_queryset().get(pk=organization.pk)
        return Response(OrganizationOutputSerializer(organization).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Update an organization (admin)",
        request=OrganizationUpdateSerializer,
        responses=OrganizationOutputSerializer,
        tags=ORGS,
    )
    def update(self, request, pk=None):
        organization = self.get_object()
        membership = selectors.membership_for(user=request.user, organization_ref=organization.pk)
        if membership is None or membership.role != Role.ADMIN or not membership.is_active:
            raise PermissionDenied("Only an admin of this organization can change it.")
        data = OrganizationUpdateSerializer(data=request.data, instance=organization, partial=True)
        data.is_valid(raise_exception=True)
        services.organization_update(
            organization=organization, actor=request.user, request=request, **data.validated_data
        )
        return Response(OrganizationOutputSerializer(self.get_object()).data)

    @extend_schema(
        summary="Partly update an organization (admin)",
        request=OrganizationUpdateSerializer,
        responses=OrganizationOutputSerializer,
        tags=ORGS,
    )
    def partial_update(self, request, pk=None):
        return self.update(request, pk=pk)


TEAMS = ["teams"]


@extend_schema_view(
    list=extend_schema(
        summary="Teams of the organization",
        parameters=[
            OpenApiParameter("include_members", OpenApiTypes.BOOL, description="Embed each team's members.")
        ],
        responses=TeamListOutputSerializer(many=True),
        tags=TEAMS,
    ),
    retrieve=extend_schema(
        summary="One team with its members", responses=TeamWithMembersOutputSerializer, tags=TEAMS
    ),
)
class TeamViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, OrganizationScopedViewSet):
    queryset = Team.objects.all()
    permission_classes = [IsOrgManagerOrReadOnly]
    search_fields = ["name"]
    ordering_fields = ["name", "created_at"]
    ordering = ["name"]

    def include_members(self) -> bool:
        if self.action == "retrieve":
            return True
        return self.request.query_params.get("include_members", "").lower() in ("1", "true", "yes")

    def scope_queryset(self, queryset):
        return selectors.teams_of(organization=self.organization, include_members=self.include_members())

    def get_serializer_class(self):
        return TeamWithMembersOutputSerializer if self.include_members() else TeamOutputSerializer

    @extend_schema(
        summary="Create a team (admin or manager)",
        request=TeamInputSerializer,
        responses={201: TeamOutputSerializer},
        tags=TEAMS,
    )
    def create(self, request):
        data = TeamInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        team = services.team_create(
            organization=self.organization, actor=request.user, request=request, **data.validated_data
        )
        team = selectors.teams_of(organization=self.organization).get(pk=team.pk)
        return Response(TeamOutputSerializer(team).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Rename or describe a team",
        request=TeamUpdateSerializer,
        responses=TeamOutputSerializer,
        tags=TEAMS,
    )
    def partial_update(self, request, pk=None):
        team = self.get_object()
        data = TeamUpdateSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        services.team_update(team=team, actor=request.user, request=request, **data.validated_data)
        return Response(
            TeamOutputSerializer(selectors.teams_of(organization=self.organization).get(pk=team.pk)).data
        )

    @extend_schema(summary="Delete a team", responses={204: None}, tags=TEAMS)
    def destroy(self, request, pk=None):
        services.team_delete(team=self.get_object(), actor=request.user, request=request)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        summary="Add a member of the organization to the team",
        request=TeamMemberInputSerializer,
        responses={201: TeamMemberOutputSerializer},
        tags=TEAMS,
    )
    @action(detail=True, methods=["post"], url_path="members")
    def add_member(self, request, pk=None):
        team = self.get_object()
        data = TeamMemberInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        member = services.team_member_add(
            team=team, actor=request.user, request=request, **data.validated_data
        )
        return Response(TeamMemberOutputSerializer(member).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="Remove a member from the team", request=None, responses={204: None}, tags=TEAMS)
    @action(detail=True, methods=["delete"], url_path=r"members/(?P<user_id>[0-9a-fA-F-]{36})")
    def remove_member(self, request, pk=None, user_id=None):
        services.team_member_remove(
            team=self.get_object(), user_id=user_id, actor=request.user, request=request
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


KEYS = ["api-keys"]


@extend_schema_view(
    list=extend_schema(summary="API keys of the organization (prefixes only)", tags=KEYS),
    retrieve=extend_schema(summary="One API key (prefix only)", tags=KEYS),
)
class ApiKeyViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, OrganizationScopedViewSet):
    queryset = ApiKey.objects.select_related("created_by")
    serializer_class = ApiKeyOutputSerializer
    permission_classes = [IsOrgAdmin]
    ordering = ["-created_at"]

    @extend_schema(
        summary="Create an API key (the key is shown once)",
        request=ApiKeyInputSerializer,
        responses={201: ApiKeyCreatedOutputSerializer},
        tags=KEYS,
    )
    def create(self, request):
        data = ApiKeyInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        with transaction.atomic():
            key, raw = services.api_key_create(
                organization=self.organization, actor=request.user, request=request, **data.validated_data
            )
        key.key = raw
        return Response(ApiKeyCreatedOutputSerializer(key).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="Revoke an API key", responses={204: None}, tags=KEYS)
    def destroy(self, request, pk=None):
        services.api_key_revoke(key=self.get_object(), actor=request.user, request=request)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema_view(list=extend_schema(summary="Audit log of the organization (admin)", tags=["audit-log"]))
class AuditLogViewSet(mixins.ListModelMixin, OrganizationScopedViewSet):
    queryset = AuditEvent.objects.all()
    serializer_class = AuditEventOutputSerializer
    permission_classes = [IsOrgAdmin]
    filterset_class = AuditEventFilter
    ordering_fields = ["created_at", "action"]
    ordering = ["-created_at"]
