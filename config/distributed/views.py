"""Thin views of distributed/*: reads for every member, control for admins."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from config.distributed import services
from config.distributed.serializers import (
    BroadcastInputSerializer,
    BroadcastOutputSerializer,
    CacheEntrySerializer,
    CacheSetInputSerializer,
    ClusterHealthSerializer,
    ClusterStatusSerializer,
    ConsumersOutputSerializer,
    ElectionInputSerializer,
    ElectionOutputSerializer,
    KafkaMetricsSerializer,
    NodesSerializer,
    RedisMetricsSerializer,
    ToolInputSerializer,
    ToolOutputSerializer,
)
from organizations.permissions import IsOrgAdmin, IsOrgEditor, IsOrgMember

TAGS = ["distributed"]


class _ClusterView(APIView):
    permission_classes = [IsOrgMember]

    @property
    def organization_id(self):
        return self.request.organization.pk


class StatusView(_ClusterView):
    @extend_schema(
        summary="Cluster status: mode, broker, Redis, workers and queue lengths",
        responses=ClusterStatusSerializer,
        tags=TAGS,
    )
    def get(self, request):
        return Response(ClusterStatusSerializer(services.cluster_status()).data)


class HealthView(_ClusterView):
    @extend_schema(
        summary="Cluster health (broker, Redis, workers)", responses=ClusterHealthSerializer, tags=TAGS
    )
    def get(self, request):
        return Response(ClusterHealthSerializer(services.cluster_health()).data)


class NodesView(_ClusterView):
    @extend_schema(
        summary="Celery workers with their pools and active tasks", responses=NodesSerializer, tags=TAGS
    )
    def get(self, request):
        if not services.workers_mode():
            body = {"available": False, "nodes": [], "message": services._unavailable("The worker list")}
        else:
            nodes = services.cluster_nodes()
            body = {"available": True, "nodes": nodes, "message": f"{len(nodes)} worker(s) answered."}
        return Response(NodesSerializer(body).data)


class BroadcastView(_ClusterView):
    permission_classes = [IsOrgAdmin]

    @extend_schema(
        summary="Broadcast a Celery control command (ping; rate_limit for staff)",
        request=BroadcastInputSerializer,
        responses=BroadcastOutputSerializer,
        tags=TAGS,
    )
    def post(self, request):
        data = BroadcastInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return Response(
            BroadcastOutputSerializer(services.broadcast(user=request.user, **data.validated_data)).data
        )


class ExecuteToolView(_ClusterView):
    permission_classes = [IsOrgAdmin]

    @extend_schema(
        summary="Run a registered maintenance task on the workers",
        request=ToolInputSerializer,
        responses=ToolOutputSerializer,
        tags=TAGS,
    )
    def post(self, request):
        data = ToolInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        result = services.tool_execute(organization_id=self.organization_id, **data.validated_data)
        return Response(ToolOutputSerializer(result).data)


class RedisMetricsView(_ClusterView):
    @extend_schema(summary="Redis INFO subset", responses=RedisMetricsSerializer, tags=TAGS)
    def get(self, request):
        return Response(RedisMetricsSerializer(services.redis_metrics()).data)


class KafkaMetricsView(_ClusterView):
    @extend_schema(
        summary="Kafka metrics (none unless Kafka is configured)", responses=KafkaMetricsSerializer, tags=TAGS
    )
    def get(self, request):
        return Response(KafkaMetricsSerializer(services.kafka_metrics()).data)


class CacheSetView(_ClusterView):
    permission_classes = [IsOrgEditor]

    @extend_schema(
        summary="Set a value in the organization's namespace of the shared cache",
        request=CacheSetInputSerializer,
        responses=CacheEntrySerializer,
        tags=TAGS,
    )
    def post(self, request):
        data = CacheSetInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return Response(
            CacheEntrySerializer(
                services.cache_set(organization_id=self.organization_id, **data.validated_data)
            ).data
        )


class CacheGetView(_ClusterView):
    @extend_schema(
        summary="Read a value from the organization's namespace of the shared cache",
        parameters=[OpenApiParameter("key", str, OpenApiParameter.PATH)],
        responses=CacheEntrySerializer,
        tags=TAGS,
    )
    def get(self, request, key):
        return Response(
            CacheEntrySerializer(services.cache_get(organization_id=self.organization_id, key=key)).data
        )


class ElectionView(_ClusterView):
    permission_classes = [IsOrgEditor]

    @extend_schema(
        summary="Leader election with a lock and a lease; reports the current leader",
        request=ElectionInputSerializer,
        responses=ElectionOutputSerializer,
        tags=TAGS,
    )
    def post(self, request):
        data = ElectionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        result = services.leader_election(organization_id=self.organization_id, **data.validated_data)
        return Response(ElectionOutputSerializer(result).data)


class InitializeView(_ClusterView):
    permission_classes = [IsOrgAdmin]

    @extend_schema(
        summary="Workers start consuming the organization's queue",
        request=None,
        responses=ConsumersOutputSerializer,
        tags=TAGS,
    )
    def post(self, request):
        return Response(
            ConsumersOutputSerializer(
                services.consumers_change(organization_id=self.organization_id, start=True)
            ).data
        )


class ShutdownView(_ClusterView):
    permission_classes = [IsOrgAdmin]

    @extend_schema(
        summary="Workers stop consuming the organization's queue",
        request=None,
        responses=ConsumersOutputSerializer,
        tags=TAGS,
    )
    def post(self, request):
        return Response(
            ConsumersOutputSerializer(
                services.consumers_change(organization_id=self.organization_id, start=False)
            ).data
        )
