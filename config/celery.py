import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("palisade")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Periodic schedules live here, in code, in one place (synced by beat on start).
app.conf.beat_schedule = {
    "worker-heartbeat": {"task": "config.worker_heartbeat", "schedule": 60.0},
    "metrics-purge-demo-sessions": {"task": "metrics.purge_demo_sessions", "schedule": 3600.0},
    "webhook-deliveries-due": {"task": "realtime.deliver_due_webhooks", "schedule": 30.0},
    "realtime-prune-events": {"task": "realtime.prune_events", "schedule": 3600.0},
}
