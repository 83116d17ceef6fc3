from django.conf import settings
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from accounts.authentication import OrganizationJWTAuthentication
from config.api.errors import ApplicationError, ErrorCode
from incidents.ingest import services
from incidents.ingest.auth import DeviceHmacAuthentication
from incidents.ingest.models import IngestBatch, Sensor
from incidents.ingest.serializers import (
    CowrieBatchInputSerializer,
    IngestBatchOutputSerializer,
    IngestResultOutputSerializer,
    MultiBatchInputSerializer,
    SensorInputSerializer,
    SensorOutputSerializer,
    SensorUpdateSerializer,
    SensorWithSecretOutputSerializer,
    SyntheticInputSerializer,
)
from incidents.ingest.synthetic import generate
from incidents.permissions import CanIngest, IsOrgAdminNotSensor, IsSensor, request_sensor
from organizations.authentication import ApiKeyAuthentication
from organizations.permissions import IsOrgAdminOrReadOnly
from organizations.viewsets import OrganizationScopedMixin, OrganizationScopedViewSet

INGEST = ["ingest"]
INGEST_ERRORS = {
    202: IngestResultOutputSerializer,
    400: OpenApiResponse(description="VALIDATION_ERROR"),
    401: OpenApiResponse(description="UNAUTHORIZED: missing, stale, replayed or wrongly signed request"),
    413: OpenApiResponse(description="PAYLOAD_TOO_LARGE: more events or bytes than the batch cap"),
}


def _check_body_size(request) -> None:
    length = int(request.META.get("CONTENT_LENGTH") or 0)
    if length > settings.INGEST_MAX_BATCH_BYTES:
        raise ApplicationError(
            ErrorCode.PAYLOAD_TOO_LARGE,
            f"The body is {length} bytes; the limit is {settings.INGEST_MAX_BATCH_BYTES}.",
            {"limit_bytes": settings.INGEST_MAX_BATCH_BYTES},
        )


def _accepted(result) -> Response:
    body = {
        "batch_id": result.batch.pk,
        "accepted": result.accepted,
        "rejected": result.rejected,
        "unparseable": result.unparseable,
        "errors": result.errors,
        "detection": "queued" if result.accepted else "none",
        "synthetic": result.batch.synthetic,
    }
    return Response(IngestResultOutputSerializer(body).data, status=status.HTTP_202_ACCEPTED)


class IngestView(OrganizationScopedMixin, GenericAPIView):
    queryset = IngestBatch.objects.all()
    authentication_classes = [DeviceHmacAuthentication, OrganizationJWTAuthentication, ApiKeyAuthentication]
    rate_group = "ingest"
    required_api_key_scope = "ingest"
    serializer_class = IngestResultOutputSerializer

    def initial(self, request, *args, **kwargs):
        _check_body_size(request._request if hasattr(request, "_request") else request)
        super().initial(request, *args, **kwargs)


class CowrieIngestView(IngestView):
    permission_classes = [IsSensor]

    @extend_schema(
        summary="Cowrie honeypot events (HMAC-signed by a sensor)",
        description='Body: one Cowrie JSON event, a list of them, or {"events": [...]}.',
        request=CowrieBatchInputSerializer,
        responses=INGEST_ERRORS,
        tags=INGEST,
    )
    def post(self, request):
        body = request.data
        if isinstance(body, dict) and isinstance(body.get("events"), list):
            items = body["events"]
        elif isinstance(body, list):
            items = body
        elif isinstance(body, dict) and body:
            items = [body]
        else:
            raise ApplicationError(
                ErrorCode.VALIDATION_ERROR, "Send a Cowrie event, a list of them or {events: [...]}."
            )
        result = services.events_ingest(
            organization=self.organization,
            items=items,
            default_source="cowrie",
            sensor=request_sensor(request),
            endpoint="ingest/cowrie",
        )
        return _accepted(result)


class MultiIngestView(IngestView):
    permission_classes = [CanIngest]

    @extend_schema(
        summary="Batches of events from several source types",
        description=(
            "Authenticated by a sensor's HMAC signature or an API key with the `ingest` scope. Source types: "
            "cowrie, sshd (OpenSSH / Linux PAM auth.log), web (Apache/Nginx combined or common), json. "
            "Accepted events are stored before the 202; unparseable ones are kept raw and flagged."
        ),
        request=MultiBatchInputSerializer,
        responses=INGEST_ERRORS,
        tags=INGEST,
    )
    def post(self, request):
        body = request.data
        if isinstance(body, dict) and isinstance(body.get("events"), list):
            limit = settings.INGEST_MAX_BATCH_EVENTS
            if len(body["events"]) > limit:
                raise ApplicationError(
                    ErrorCode.PAYLOAD_TOO_LARGE,
                    f"A batch holds at most {limit} events; this one has {len(body['events'])}.",
                    {"limit": limit, "received": len(body["events"])},
                )
        data = MultiBatchInputSerializer(data=body)
        data.is_valid(raise_exception=True)
        result = services.events_ingest(
            organization=self.organization,
            items=data.validated_data["events"],
            default_source=data.validated_data.get("source_type"),
            sensor=request_sensor(request),
            endpoint="ingest/multi",
        )
        return _accepted(result)


class SyntheticIngestView(IngestView):
    permission_classes = [IsOrgAdminNotSensor]
    authentication_classes = [OrganizationJWTAuthentication]
    rate_group = "standard"

    @extend_schema(
        summary="Generate realistic test events (admin; off in production unless enabled)",
        request=SyntheticInputSerializer,
        responses=INGEST_ERRORS,
        tags=INGEST,
    )
    def post(self, request):
        if not settings.INGEST_SYNTHETIC_ENABLED:
            raise ApplicationError(
                ErrorCode.FORBIDDEN, "Synthetic events are disabled here (INGEST_SYNTHETIC_ENABLED)."
            )
        data = SyntheticInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        result = services.events_ingest(
            organization=self.organization,
            items=generate(**data.validated_data),
            endpoint="ingest/synthetic",
            synthetic=True,
        )
        return _accepted(result)


SENSORS = ["sensors"]


@extend_schema_view(
    list=extend_schema(summary="Sensors of the organization", tags=SENSORS),
    retrieve=extend_schema(summary="One sensor", tags=SENSORS),
)
class SensorViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, OrganizationScopedViewSet):
    queryset = Sensor.objects.all()
    serializer_class = SensorOutputSerializer
    permission_classes = [IsOrgAdminOrReadOnly]
    filterset_fields = ["kind", "is_active"]
    search_fields = ["name", "description"]
    ordering_fields = ["name", "created_at", "last_seen_at"]
    ordering = ["name"]

    @extend_schema(
        summary="Register a sensor (admin; its secret is shown once)",
        request=SensorInputSerializer,
        responses={201: SensorWithSecretOutputSerializer},
        tags=SENSORS,
    )
    def create(self, request):
        data = SensorInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        sensor, secret = services.sensor_create(
            organization=self.organization, actor=request.user, request=request, **data.validated_data
        )
        sensor.secret = secret
        return Response(SensorWithSecretOutputSerializer(sensor).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Rename, describe or deactivate a sensor (admin)",
        request=SensorUpdateSerializer,
        responses=SensorOutputSerializer,
        tags=SENSORS,
    )
    def partial_update(self, request, pk=None):
        sensor = self.get_object()
        data = SensorUpdateSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        name = data.validated_data.get("name")
        if name and name != sensor.name and self.get_queryset().filter(name=name).exists():
            raise ApplicationError(ErrorCode.CONFLICT, f"A sensor named {name!r} already exists.")
        sensor = services.sensor_update(
            sensor=sensor, actor=request.user, request=request, **data.validated_data
        )
        return Response(SensorOutputSerializer(sensor).data)

    @extend_schema(summary="Delete a sensor (admin)", responses={204: None}, tags=SENSORS)
    def destroy(self, request, pk=None):
        services.sensor_delete(sensor=self.get_object(), actor=request.user, request=request)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        summary="Rotate a sensor's secret (admin; the new secret is shown once)",
        request=None,
        responses=SensorWithSecretOutputSerializer,
        tags=SENSORS,
    )
    @action(detail=True, methods=["post"], url_path="rotate-secret")
    def rotate_secret(self, request, pk=None):
        sensor = self.get_object()
        sensor.secret = services.sensor_rotate_secret(sensor=sensor, actor=request.user, request=request)
        return Response(SensorWithSecretOutputSerializer(sensor).data)


@extend_schema_view(
    list=extend_schema(summary="Ingest batches and their detection status", tags=INGEST),
    retrieve=extend_schema(summary="One ingest batch", tags=INGEST),
)
class IngestBatchViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, OrganizationScopedViewSet):
    queryset = IngestBatch.objects.all()
    serializer_class = IngestBatchOutputSerializer
    filterset_fields = ["status", "endpoint", "synthetic"]
    ordering_fields = ["created_at"]
    ordering = ["-created_at"]
