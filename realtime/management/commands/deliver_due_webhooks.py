"""Runs webhook retries that are due. Beat does this every 30 s in a scaled deployment; the embedded
default has no beat, so run this (once, or with --every N) next to `make run` to get retries there."""

import time

from django.core.management.base import BaseCommand

from realtime.services import webhook_deliveries_enqueue_due


class Command(BaseCommand):
    help = "Attempt the webhook deliveries whose next attempt is due."

    def add_arguments(self, parser):
        parser.add_argument("--every", type=float, default=0, help="Repeat every N seconds until stopped.")

    def handle(self, *args, every: float = 0, **options):
        while True:
            count = webhook_deliveries_enqueue_due()
            self.stdout.write(f"{count} due webhook deliveries enqueued")
            if not every:
                return
            time.sleep(every)
