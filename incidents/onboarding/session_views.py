"""The onboarding session (seed B onboarding/*): start, status, profile, permissions, network scan,
scan results, deployment plan, validation, complete and skip. Writes are for admins and managers.
"""

from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from config.api.errors import ApplicationError, ErrorCode
from incidents.onboarding import network_scans, selectors, sessions
from incidents.onboarding.filters import DiscoveredAssetFilter
from incidents.onboarding.models import DiscoveredAsset, OnboardingSession
from incidents.onboarding.session_serializers import (
    DeploymentPlanOutputSerializer,
    DiscoveredAssetOutputSerializer,
    NetworkScanInputSerializer,
    NetworkScanOutputSerializer,
    OnboardingStatusSerializer,
    PermissionsInputSerializer,
    ProfileInputSerializer,
    SkipInputSerializer,
    StartInputSerializer,
    ValidationOutputSerializer,
)
from organizations.permissions import IsOrgManagerOrReadOnly
from organizations.viewsets import OrganizationScopedMixin

ONBOARDING = ["onboarding"]
CONFLICT = OpenApiResponse(description="CONFLICT: the onboarding step cannot run in the session's state.")


class _SessionView(OrganizationScopedMixin, GenericAPIView):
    queryset = OnboardingSession.objects.all()
    serializer_class: type[serializers.Serializer] = OnboardingStatusSerializer
    permission_classes = [IsOrgManagerOrReadOnly]

    def status_body(self) -> dict:
        return OnboardingStatusSerializer(selectors.onboarding_status(organization=self.organization)).data

    def parse(self, serializer_class):
        data = serializer_class(data=self.request.data)
        data.is_valid(raise_exception=True)
        return data.validated_data


class StartView(_SessionView):
    @extend_schema(
        summary="Start onboarding for the organization (201 when started, 200 when already in progress)",
        request=StartInputSerializer,
        responses={200: OnboardingStatusSerializer, 201: OnboardingStatusSerializer, 409: CONFLICT},
        tags=ONBOARDING,
    )
    def post(self, request):
        _session, created = sessions.session_start(
            organization=self.organization,
            actor=request.user,
            request=request,
            **self.parse(StartInputSerializer),
        )
        return Response(self.status_body(), status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


class StatusView(_SessionView):
    @extend_schema(
        summary="Onboarding progress: current step, steps left, and what discovery and enrollment found",
        responses=OnboardingStatusSerializer,
        tags=ONBOARDING,
    )
    def get(self, request):
        return Response(self.status_body())


class ProfileView(_SessionView):
    @extend_schema(
        summary="Save the organization's profile",
        request=ProfileInputSerializer,
        responses={200: OnboardingStatusSerializer, 409: CONFLICT},
        tags=ONBOARDING,
    )
    def post(self, request):
        sessions.session_profile_save(
            organization=self.organization,
            profile=self.parse(ProfileInputSerializer),
            actor=request.user,
            request=request,
        )
        return Response(self.status_body())


class PermissionsView(_SessionView):
    @extend_schema(
        summary="Record the permissions the organization grants (network discovery, agents, logs, response)",
        description="No credentials are stored: agents authenticate with their own enrollment tokens.",
        request=PermissionsInputSerializer,
        responses={200: OnboardingStatusSerializer, 409: CONFLICT},
        tags=ONBOARDING,
    )
    def post(self, request):
        data = self.parse(PermissionsInputSerializer)
        sessions.session_permissions_save(
            organization=self.organization, granted=data["granted"], actor=request.user, request=request
        )
        return Response(self.status_body())


class NetworkScanView(_SessionView):
    serializer_class = NetworkScanOutputSerializer

    @extend_schema(
        summary="Queue a TCP connect scan of a small range inside the allowed networks",
        description=(
            "The range must lie inside ONBOARDING_SCAN_ALLOWED_NETWORKS and cover at most "
            "ONBOARDING_SCAN_MAX_ADDRESSES addresses and ONBOARDING_SCAN_MAX_PORTS ports; anything "
            "else is refused with 400 and nothing is queued. Needs the network_discovery permission. "
            "The scan runs as a job: poll GET onboarding/status (findings.latest_scan)."
        ),
        request=NetworkScanInputSerializer,
        responses={202: NetworkScanOutputSerializer, 409: CONFLICT},
        tags=ONBOARDING,
    )
    def post(self, request):
        data = self.parse(NetworkScanInputSerializer)
        scan = network_scans.network_scan_request(
            organization=self.organization,
            cidr=data["cidr"],
            ports=data.get("ports"),
            actor=request.user,
            request=request,
        )
        return Response(NetworkScanOutputSerializer(scan).data, status=status.HTTP_202_ACCEPTED)


class ScanResultsView(OrganizationScopedMixin, GenericAPIView):
    queryset = DiscoveredAsset.objects.all()
    serializer_class = DiscoveredAssetOutputSerializer
    permission_classes = [IsOrgManagerOrReadOnly]
    filter_backends = [DjangoFilterBackend]
    filterset_class = DiscoveredAssetFilter

    @extend_schema(
        summary="Discovered assets: address, open ports with service and banner, guessed OS",
        responses=DiscoveredAssetOutputSerializer(many=True),
        tags=ONBOARDING,
    )
    def get(self, request):
        assets = self.filter_queryset(selectors.assets_of(organization=self.organization))
        page = self.paginate_queryset(assets)
        return self.get_paginated_response(DiscoveredAssetOutputSerializer(page, many=True).data)


class ScanResultView(OrganizationScopedMixin, GenericAPIView):
    queryset = DiscoveredAsset.objects.all()
    serializer_class = DiscoveredAssetOutputSerializer
    permission_classes = [IsOrgManagerOrReadOnly]

    @extend_schema(
        summary="One discovered asset",
        responses=DiscoveredAssetOutputSerializer,
        parameters=[OpenApiParameter("asset_id", str, OpenApiParameter.PATH, description="Asset id")],
        tags=ONBOARDING,
    )
    def get(self, request, asset_id):
        asset = selectors.asset_get(organization=self.organization, asset_id=asset_id)
        if asset is None:
            raise ApplicationError(ErrorCode.NOT_FOUND, "No such discovered asset.")
        return Response(DiscoveredAssetOutputSerializer(asset).data)


class DeploymentPlanView(_SessionView):
    serializer_class = DeploymentPlanOutputSerializer

    @extend_schema(
        summary="(Re)generate the agent deployment plan from the discovered assets",
        request=None,
        responses={200: DeploymentPlanOutputSerializer, 409: CONFLICT},
        tags=ONBOARDING,
    )
    def post(self, request):
        session = sessions.deployment_plan_generate(
            organization=self.organization, actor=request.user, request=request
        )
        return Response(DeploymentPlanOutputSerializer(session).data)


class ValidationView(_SessionView):
    serializer_class = ValidationOutputSerializer

    @extend_schema(
        summary="Check every planned host for an enrolled agent with a recent heartbeat",
        request=None,
        responses={200: ValidationOutputSerializer, 409: CONFLICT},
        tags=ONBOARDING,
    )
    def post(self, request):
        session = sessions.session_validate(
            organization=self.organization, actor=request.user, request=request
        )
        return Response(ValidationOutputSerializer(session.validation).data)


class CompleteView(_SessionView):
    @extend_schema(
        summary="Mark onboarding complete (needs a passed validation: 409 otherwise)",
        request=None,
        responses={200: OnboardingStatusSerializer, 409: CONFLICT},
        tags=ONBOARDING,
    )
    def post(self, request):
        sessions.session_complete(organization=self.organization, actor=request.user, request=request)
        return Response(self.status_body())


class SkipView(_SessionView):
    @extend_schema(
        summary="Skip onboarding; records who skipped and why",
        request=SkipInputSerializer,
        responses={200: OnboardingStatusSerializer, 409: CONFLICT},
        tags=ONBOARDING,
    )
    def post(self, request):
        sessions.session_skip(
            organization=self.organization,
            reason=self.parse(SkipInputSerializer)["reason"],
            actor=request.user,
            request=request,
        )
        return Response(self.status_body())
