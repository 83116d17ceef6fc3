"""Loads NIST CSF 2.0 and NIST AI RMF 1.0 from metrics/data/ (idempotent; see metrics.reference)."""

from django.db import migrations


def load(apps, schema_editor):
    from metrics.reference import load_reference_frameworks

    load_reference_frameworks(
        Framework=apps.get_model("metrics", "Framework"),
        FrameworkFunction=apps.get_model("metrics", "FrameworkFunction"),
        FrameworkCategory=apps.get_model("metrics", "FrameworkCategory"),
        FrameworkSubcategory=apps.get_model("metrics", "FrameworkSubcategory"),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("metrics", "0001_frameworks_catalogs_metrics_demo"),
    ]

    operations = [
        # Reversing leaves the rows: the schema migration before it drops the tables anyway.
        migrations.RunPython(load, migrations.RunPython.noop),
    ]
