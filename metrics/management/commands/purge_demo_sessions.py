from django.core.management.base import BaseCommand

from metrics.services.demo_mode import demo_sessions_purge


class Command(BaseCommand):
    help = "Delete expired demo sessions and the metrics they created."

    def handle(self, *args, **options):
        self.stdout.write(
            f"Deleted {demo_sessions_purge()} expired demo session row(s) (with their metrics)."
        )
