from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins

from accounts.filters import MemberFilter
from accounts.serializers import MemberOutputSerializer
from organizations.models import Membership
from organizations.viewsets import OrganizationScopedViewSet


@extend_schema_view(
    list=extend_schema(summary="List the users of the active organization", tags=["users"]),
)
class UserViewSet(mixins.ListModelMixin, OrganizationScopedViewSet):
    queryset = Membership.objects.select_related("user")
    serializer_class = MemberOutputSerializer
    filterset_class = MemberFilter
    search_fields = ["user__email", "user__full_name"]
    ordering_fields = ["created_at", "role", "user__email"]
    ordering = ["created_at"]
