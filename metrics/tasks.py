from celery import shared_task

from metrics.services.demo_mode import demo_sessions_purge


@shared_task(
    name="metrics.purge_demo_sessions", queue="default", acks_late=True, max_retries=3, time_limit=120
)
def purge_demo_sessions() -> int:
    """Deletes expired demo sessions and their metrics; safe to run any number of times."""
    return demo_sessions_purge()
