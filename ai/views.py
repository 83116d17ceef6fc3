import uuid

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from ai import selectors, services
from ai.filters import AIChangeLogFilter
from ai.models import AIChangeLogEntry, ProviderConfiguration
from ai.registry import PROVIDERS, provider_get
from ai.serializers import (
    ActivateOutputSerializer,
    ChangeLogOutputSerializer,
    ConfigurationInputSerializer,
    ConfigurationOutputSerializer,
    ConfigurationUpdateSerializer,
    ConfigurationValidateOutputSerializer,
    DeactivateOutputSerializer,
    ModelListOutputSerializer,
    ProviderListOutputSerializer,
    ProviderOutputSerializer,
    ProviderStatusOutputSerializer,
)
from organizations.models import Role
from organizations.permissions import IsAuthenticatedUser, IsOrgEditor, IsOrgMember
from organizations.viewsets import OrganizationScopedViewSet

PROVIDERS_TAG = ["ai-providers"]


def _provider_or_404(code: str):
    provider = provider_get(code)
    if provider is None:
        raise NotFound(f"No AI provider {code!r}.")
    return provider


class ProviderListView(APIView):
    @extend_schema(
        operation_id="ai_providers_list",
        summary="AI providers you can bring (and the built-in local one)",
        responses=ProviderListOutputSerializer,
        tags=PROVIDERS_TAG,
    )
    def get(self, request):
        return Response({"providers": [p.as_dict() for p in PROVIDERS.values()]})


class ProviderDetailView(APIView):
    @extend_schema(
        summary="One provider with its auth fields and models",
        responses=ProviderOutputSerializer,
        tags=PROVIDERS_TAG,
    )
    def get(self, request, provider_code: str):
        return Response(_provider_or_404(provider_code).as_dict())


class ProviderModelsView(APIView):
    @extend_schema(summary="Models of one provider", responses=ModelListOutputSerializer, tags=PROVIDERS_TAG)
    def get(self, request, provider_code: str):
        return Response({"models": _provider_or_404(provider_code).as_dict()["models"]})


class ProviderStatusView(APIView):
    permission_classes = [IsOrgMember]

    @extend_schema(
        summary="Which provider answers your AI requests",
        responses=ProviderStatusOutputSerializer,
        tags=PROVIDERS_TAG,
    )
    def get(self, request):
        return Response(selectors.provider_status(organization=request.organization, user=request.user))


@extend_schema_view(
    list=extend_schema(
        summary="Your provider configurations (credentials never shown)",
        parameters=[
            OpenApiParameter(
                "user_id", OpenApiTypes.UUID, description="Another member's configurations (admins only)."
            )
        ],
        tags=PROVIDERS_TAG,
    ),
    retrieve=extend_schema(summary="One of your provider configurations", tags=PROVIDERS_TAG),
)
class ProviderConfigurationViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, OrganizationScopedViewSet
):
    """Per-user configurations in the active organization. Another user's configuration is a 404."""

    queryset = ProviderConfiguration.objects.all()
    serializer_class = ConfigurationOutputSerializer
    # Configurations belong to a person: API keys (machines) have none.
    permission_classes = [IsAuthenticatedUser, IsOrgEditor]
    filter_backends: list = []
    lookup_value_regex = "[0-9a-fA-F-]{36}"

    @property
    def rate_group(self) -> str:
        return "ai" if self.action == "validate" else "standard"

    def _listed_user_id(self):
        raw = self.request.query_params.get("user_id") if self.action == "list" else None
        if not raw or raw == str(self.request.user.pk):
            return self.request.user.pk
        try:
            user_id = uuid.UUID(raw)
        except ValueError:
            raise ValidationError({"user_id": ["Must be a user id (UUID)."]}) from None
        membership = getattr(self.request, "membership", None)
        if membership is None or not membership.has_role(Role.ADMIN):
            raise PermissionDenied("Only an admin can list another member's configurations.")
        return user_id

    def scope_queryset(self, queryset):
        return queryset.filter(user_id=self._listed_user_id()).order_by("-created_at")

    @extend_schema(
        summary="Add a provider configuration (credentials are encrypted at rest)",
        request=ConfigurationInputSerializer,
        responses={201: ConfigurationOutputSerializer},
        tags=PROVIDERS_TAG,
    )
    def create(self, request):
        data = ConfigurationInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        configuration = services.configuration_create(
            organization=self.organization, user=request.user, **data.validated_data
        )
        return Response(ConfigurationOutputSerializer(configuration).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Change the model or credentials (the configuration must be validated again)",
        request=ConfigurationUpdateSerializer,
        responses=ConfigurationOutputSerializer,
        tags=PROVIDERS_TAG,
    )
    def update(self, request, pk=None):
        configuration = self.get_object()
        data = ConfigurationUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        configuration = services.configuration_update(
            configuration=configuration, user=request.user, **data.validated_data
        )
        return Response(ConfigurationOutputSerializer(configuration).data)

    @extend_schema(summary="Delete a provider configuration", responses={204: None}, tags=PROVIDERS_TAG)
    def destroy(self, request, pk=None):
        services.configuration_delete(configuration=self.get_object(), user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        summary="Test the stored credentials against the provider",
        request=None,
        responses=ConfigurationValidateOutputSerializer,
        tags=PROVIDERS_TAG,
    )
    @action(detail=True, methods=["post"])
    def validate(self, request, pk=None):
        result = services.configuration_validate(configuration=self.get_object(), user=request.user)
        return Response(ConfigurationValidateOutputSerializer(result).data)

    @extend_schema(
        summary="Make this your active provider",
        request=None,
        responses=ActivateOutputSerializer,
        tags=PROVIDERS_TAG,
    )
    @action(detail=True, methods=["post"])
    def activate(self, request, pk=None):
        configuration = services.configuration_activate(configuration=self.get_object(), user=request.user)
        return Response(
            {
                "message": "Configuration activated",
                "config_id": configuration.pk,
                "provider": configuration.provider_code,
                "model": configuration.model_id,
            }
        )

    @extend_schema(
        summary="Stop using this configuration (the local provider answers)",
        request=None,
        responses=DeactivateOutputSerializer,
        tags=PROVIDERS_TAG,
    )
    @action(detail=True, methods=["post"])
    def deactivate(self, request, pk=None):
        configuration = services.configuration_deactivate(configuration=self.get_object(), user=request.user)
        return Response({"message": "Configuration deactivated", "config_id": configuration.pk})


@extend_schema_view(list=extend_schema(summary="Every AI action in the organization", tags=["ai"]))
class AIChangeLogViewSet(mixins.ListModelMixin, OrganizationScopedViewSet):
    queryset = AIChangeLogEntry.objects.all()
    serializer_class = ChangeLogOutputSerializer
    filterset_class = AIChangeLogFilter
    permission_classes = [IsOrgEditor]
    ordering_fields = ["created_at"]
    ordering = ["-created_at"]
    search_fields = ["prompt"]
