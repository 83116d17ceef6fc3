from django.conf import settings
from rest_framework import serializers

from config.distributed.tasks import TOOLS


class ReachabilitySerializer(serializers.Serializer):
    configured = serializers.BooleanField()
    reachable = serializers.BooleanField()
    latency_ms = serializers.FloatField(required=False)
    message = serializers.CharField()


class QueueSerializer(serializers.Serializer):
    name = serializers.CharField()
    messages = serializers.IntegerField()
    consumers = serializers.IntegerField()


class ClusterStatusSerializer(serializers.Serializer):
    mode = serializers.ChoiceField(choices=[("workers", "workers"), ("in-process", "in-process")])
    broker = ReachabilitySerializer()
    redis = ReachabilitySerializer()
    workers = serializers.ListField(child=serializers.CharField())
    queues = QueueSerializer(many=True)
    last_worker_heartbeat = serializers.JSONField(allow_null=True)
    message = serializers.CharField(allow_blank=True)


class HealthChecksSerializer(serializers.Serializer):
    broker = serializers.BooleanField()
    redis = serializers.BooleanField()
    workers = serializers.BooleanField()


class ClusterHealthSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=["healthy", "degraded"])
    mode = serializers.CharField()
    checks = HealthChecksSerializer()
    workers = serializers.IntegerField()
    message = serializers.CharField(allow_blank=True)


class PoolSerializer(serializers.Serializer):
    implementation = serializers.CharField()
    max_concurrency = serializers.IntegerField(allow_null=True)
    processes = serializers.ListField(child=serializers.IntegerField())


class ActiveTaskSerializer(serializers.Serializer):
    id = serializers.CharField(allow_null=True)
    name = serializers.CharField(allow_null=True)
    started = serializers.FloatField(allow_null=True)


class NodeSerializer(serializers.Serializer):
    name = serializers.CharField()
    pid = serializers.IntegerField(allow_null=True)
    pool = PoolSerializer()
    active_tasks = ActiveTaskSerializer(many=True)
    queues = serializers.ListField(child=serializers.CharField())
    total_tasks = serializers.DictField(child=serializers.IntegerField())


class NodesSerializer(serializers.Serializer):
    available = serializers.BooleanField()
    nodes = NodeSerializer(many=True)
    message = serializers.CharField()


class BroadcastInputSerializer(serializers.Serializer):
    command = serializers.ChoiceField(choices=["ping", "rate_limit"])
    task_name = serializers.CharField(
        max_length=200, required=False, help_text="rate_limit: the task to limit."
    )
    rate = serializers.RegexField(
        r"^\d{1,6}(/[smh])?$", required=False, help_text="rate_limit: e.g. 10/m; 0 lifts it."
    )

    def validate(self, attrs):
        if attrs["command"] == "rate_limit" and not (attrs.get("task_name") and attrs.get("rate")):
            raise serializers.ValidationError({"rate": "rate_limit needs task_name and rate."})
        return attrs


class ControlResultSerializer(serializers.Serializer):
    available = serializers.BooleanField()
    replies = serializers.ListField(child=serializers.JSONField())
    message = serializers.CharField()


class BroadcastOutputSerializer(ControlResultSerializer):
    command = serializers.CharField()


class ToolInputSerializer(serializers.Serializer):
    tool = serializers.ChoiceField(choices=sorted(TOOLS))
    wait_seconds = serializers.FloatField(min_value=0, max_value=10, default=3)


class ToolOutputSerializer(serializers.Serializer):
    tool = serializers.CharField()
    execution_id = serializers.CharField()
    mode = serializers.CharField()
    completed = serializers.BooleanField()
    result = serializers.JSONField(allow_null=True)
    message = serializers.CharField()


class RedisMetricsSerializer(serializers.Serializer):
    configured = serializers.BooleanField()
    available = serializers.BooleanField()
    info = serializers.JSONField()
    keyspace = serializers.JSONField()
    message = serializers.CharField()


class KafkaMetricsSerializer(serializers.Serializer):
    configured = serializers.BooleanField()
    available = serializers.BooleanField()
    bootstrap_servers = serializers.CharField(allow_null=True)
    message = serializers.CharField()


KEY = r"^[A-Za-z0-9_.:-]{1,200}$"


class CacheSetInputSerializer(serializers.Serializer):
    key = serializers.RegexField(KEY, help_text="Letters, digits and _.:- (namespaced to the organization).")
    value = serializers.JSONField()
    ttl = serializers.IntegerField(
        min_value=1, max_value=settings.DISTRIBUTED_CACHE_MAX_TTL_SECONDS, default=3600
    )

    def validate_value(self, value):
        if len(str(value)) > 64_000:
            raise serializers.ValidationError("At most 64 kB.")
        return value


class CacheEntrySerializer(serializers.Serializer):
    key = serializers.CharField()
    value = serializers.JSONField()
    ttl = serializers.IntegerField(allow_null=True)
    backend = serializers.CharField()


class ElectionInputSerializer(serializers.Serializer):
    name = serializers.RegexField(r"^[a-z0-9_.-]{1,64}$", default="scheduler")
    candidate = serializers.RegexField(r"^[A-Za-z0-9_.:@-]{1,120}$", required=False)
    lease_seconds = serializers.IntegerField(
        min_value=1, max_value=3600, default=settings.DISTRIBUTED_LEADER_LEASE_SECONDS
    )


class ElectionOutputSerializer(serializers.Serializer):
    name = serializers.CharField()
    candidate = serializers.CharField()
    elected = serializers.BooleanField()
    leader = serializers.CharField(allow_null=True)
    lease_seconds = serializers.IntegerField()
    lease_remaining = serializers.IntegerField(allow_null=True)
    backend = serializers.CharField()


class ConsumersOutputSerializer(ControlResultSerializer):
    queue = serializers.CharField()
