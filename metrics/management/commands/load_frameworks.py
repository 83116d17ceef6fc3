from django.core.management.base import BaseCommand
from django.db import transaction

from metrics.models import Framework, FrameworkCategory, FrameworkFunction, FrameworkSubcategory
from metrics.reference import load_reference_frameworks


class Command(BaseCommand):
    help = "Load (or refresh) NIST CSF 2.0 and NIST AI RMF 1.0 from metrics/data/. Idempotent; `migrate` runs it too."

    @transaction.atomic
    def handle(self, *args, **options):
        counts = load_reference_frameworks(
            Framework=Framework,
            FrameworkFunction=FrameworkFunction,
            FrameworkCategory=FrameworkCategory,
            FrameworkSubcategory=FrameworkSubcategory,
        )
        for framework_id, tally in counts.items():
            self.stdout.write(
                f"{framework_id}: {tally['functions']} functions, {tally['categories']} categories, "
                f"{tally['subcategories']} subcategories"
            )
