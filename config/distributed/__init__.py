"""The cluster view (seed B's distributed/*): Celery workers, queues, Redis, a namespaced cache and a leader lock.

It observes and steers the real engine; in the embedded default (no broker, no Redis) each
endpoint says what is not available instead of failing. It knows no domain app.
"""
