"""Routes under /api/v1/distributed/ (seed B's cluster view)."""

from django.urls import path

from config.distributed import views

urlpatterns = [
    path("distributed/status", views.StatusView.as_view(), name="distributed-status"),
    path("distributed/health", views.HealthView.as_view(), name="distributed-health"),
    path("distributed/nodes", views.NodesView.as_view(), name="distributed-nodes"),
    path("distributed/broadcast", views.BroadcastView.as_view(), name="distributed-broadcast"),
    path("distributed/execute-tool", views.ExecuteToolView.as_view(), name="distributed-execute-tool"),
    path("distributed/redis/metrics", views.RedisMetricsView.as_view(), name="distributed-redis-metrics"),
    path("distributed/kafka/metrics", views.KafkaMetricsView.as_view(), name="distributed-kafka-metrics"),
    path("distributed/cache/set", views.CacheSetView.as_view(), name="distributed-cache-set"),
    path("distributed/cache/<str:key>", views.CacheGetView.as_view(), name="distributed-cache-get"),
    path("distributed/coordination/election", views.ElectionView.as_view(), name="distributed-election"),
    path("distributed/initialize", views.InitializeView.as_view(), name="distributed-initialize"),
    path("distributed/shutdown", views.ShutdownView.as_view(), name="distributed-shutdown"),
]
