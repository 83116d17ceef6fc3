"""CSV import (atomic per file, validated, capped) and export (streamed, formula-safe)."""

import csv
import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from metrics.models import Metric

pytestmark = pytest.mark.django_db

HEADER = "name,description,current_value,target_value,unit,direction,csf_function,csf_category,priority\n"


def upload(client, catalog, text, *, name="metrics.csv", content_type="text/csv", **extra):
    file = SimpleUploadedFile(
        name, text.encode() if isinstance(text, str) else text, content_type=content_type
    )
    return client.post(f"/api/v1/catalogs/{catalog.pk}/import", {"file": file, **extra}, format="multipart")


def count(catalog):
    return Metric.objects.for_organization(catalog.organization).filter(catalog=catalog).count()


def test_good_file_imports_every_row(client_a, catalog_a):
    before = count(catalog_a)
    text = HEADER + (
        "Endpoint Encryption Coverage,Laptops with full-disk encryption,88,100,%,higher_is_better,PROTECT,PR.DS,High\n"
        "Open Critical Findings,Critical pentest findings open,3,0,count,lower_is_better,ID,ID.RA,Medium\n"
    )

    response = upload(client_a, catalog_a, text)

    assert response.status_code == 200, response.json()
    assert response.json()["data"]["imported"] == 2
    assert count(catalog_a) == before + 2
    imported = Metric.objects.for_organization(catalog_a.organization).get(name="Open Critical Findings")
    assert imported.source == "import"
    assert imported.metric_number.startswith("ID-")
    assert imported.history.count() == 1


def test_bad_file_imports_nothing_and_lists_every_row_error(client_a, catalog_a):
    before = count(catalog_a)
    text = (
        HEADER
        + ",no name,1,2,%,higher_is_better,PR,PR.AA,High\nBad Target,x,1,lots,%,higher_is_better,PR,PR.AA,High\n"
    )

    response = upload(client_a, catalog_a, text)

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "VALIDATION_ERROR"
    assert error["details"]["imported"] == 0
    assert error["details"]["errors"] == [
        {"row": 2, "error": "Missing required field: name"},
        {"row": 3, "error": "target_value: Must be a number, got 'lots'."},
    ]
    assert count(catalog_a) == before


def test_mixed_file_imports_nothing_partial(client_a, catalog_a):
    before = count(catalog_a)
    text = HEADER + (
        "Good One,fine,1,2,%,higher_is_better,PR,PR.AA,High\n"
        "Wrong Mapping,function does not own category,1,2,%,higher_is_better,DETECT,PR.AA,High\n"
        "Good Two,fine,1,2,%,higher_is_better,DE,DE.CM,Low\n"
    )

    response = upload(client_a, catalog_a, text)

    assert response.status_code == 400
    assert [e["row"] for e in response.json()["error"]["details"]["errors"]] == [3]
    assert count(catalog_a) == before
    assert (
        not Metric.objects.for_organization(catalog_a.organization)
        .filter(name__in=["Good One", "Good Two"])
        .exists()
    )


def test_blank_rows_and_existing_names_are_skipped(client_a, catalog_a):
    text = (
        HEADER
        + ",,,,,,,,\nMFA Adoption Rate,dup,1,2,%,higher_is_better,PR,PR.AA,High\nFresh,new,1,2,%,higher_is_better,PR,PR.AA,High\n"
    )

    data = upload(client_a, catalog_a, text).json()["data"]

    assert (data["imported"], data["skipped"]) == (1, 2)
    assert [r["row"] for r in data["skipped_rows"]] == [2, 3]


def test_field_mapping_maps_other_column_names(client_a, catalog_a):
    text = "Metric Name,Goal,Now,CSF Cat\nVendor SOC2 Reports,100,80,GV.SC\n"
    mapping = json.dumps(
        {"name": "Metric Name", "target_value": "Goal", "current_value": "Now", "csf_category": "CSF Cat"}
    )

    response = upload(client_a, catalog_a, text, field_mapping=mapping)

    assert response.status_code == 200, response.json()
    metric = Metric.objects.for_organization(catalog_a.organization).get(name="Vendor SOC2 Reports")
    assert (metric.target_value, metric.current_value, metric.category.code) == (100, 80, "GV.SC")


def test_field_mapping_to_a_missing_column_is_rejected(client_a, catalog_a):
    response = upload(client_a, catalog_a, HEADER, field_mapping=json.dumps({"name": "Nope"}))

    assert response.status_code == 400
    assert "no column 'Nope'" in response.json()["error"]["message"]


def test_dry_run_validates_without_importing(client_a, catalog_a):
    before = count(catalog_a)
    data = upload(
        client_a, catalog_a, HEADER + "Fresh,new,1,2,%,higher_is_better,PR,PR.AA,High\n", dry_run="true"
    ).json()["data"]

    assert (data["valid_rows"], data["imported"], data["dry_run"]) == (1, 0, True)
    assert count(catalog_a) == before


@pytest.mark.parametrize(
    ("content", "name", "content_type", "message"),
    [
        (b"PK\x03\x04excel-bytes", "metrics.csv", "text/csv", "an Excel workbook"),
        (
            b"PK\x03\x04excel-bytes",
            "metrics.xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "Only CSV files",
        ),
        (b"name,target\x00\x01", "metrics.csv", "text/csv", "binary data"),
        ("name\n".encode("utf-16"), "metrics.csv", "text/csv", "binary data"),
        (b"\xff\xfename", "metrics.csv", "text/csv", "not UTF-8"),
        (b"<html></html>", "page.html", "text/html", "Only CSV files"),
    ],
)
def test_non_csv_content_is_rejected_clearly(client_a, catalog_a, content, name, content_type, message):
    response = upload(client_a, catalog_a, content, name=name, content_type=content_type)

    assert response.status_code == 400
    assert message in response.json()["error"]["message"]


def test_oversized_file_is_413(client_a, catalog_a, settings):
    settings.METRICS_IMPORT_MAX_BYTES = 100

    response = upload(client_a, catalog_a, HEADER + "x" * 200)

    assert response.status_code == 413
    assert response.json()["error"]["code"] == "PAYLOAD_TOO_LARGE"


def test_import_into_another_organizations_catalog_is_404(client_b, catalog_a, catalog_b):
    before = count(catalog_a)

    assert (
        upload(client_b, catalog_a, HEADER + "X,y,1,2,%,higher_is_better,PR,PR.AA,High\n").status_code == 404
    )
    assert count(catalog_a) == before


def test_viewer_cannot_import(client_viewer_a, catalog_a):
    assert upload(client_viewer_a, catalog_a, HEADER).status_code == 403


def read_export(response) -> list[dict]:
    assert response.streaming
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(body)))


def test_export_streams_csv_and_neutralises_formulas(client_a, catalog_a):
    metric = Metric.objects.for_organization(catalog_a.organization).get(name="MFA Adoption Rate")
    client_a.patch(
        f"/api/v1/metrics/{metric.pk}",
        {
            "name": '=HYPERLINK("http://evil.example","click")',
            "description": "+1+cmd|' /C calc'!A0",
            "unit": "@SUM(A1)",
            "current_value": -5,
        },
        format="json",
    )
    response = client_a.get("/api/v1/metrics/export", {"function": "PR"})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = read_export(response)
    assert {r["csf_function"] for r in rows} == {"PR"}
    row = next(r for r in rows if r["metric_number"] == metric.metric_number)
    assert row["name"] == '\'=HYPERLINK("http://evil.example","click")'
    assert row["description"].startswith("'+1")
    assert row["unit"] == "'@SUM(A1)"
    assert row["current_value"] == "-5"  # a number is data, written as a number
    for r in rows:
        for value in r.values():
            assert not value.startswith(("=", "+", "@")), value


def test_export_honours_ids(client_a, catalog_a):
    picked = list(Metric.objects.for_organization(catalog_a.organization).order_by("metric_number")[:2])

    rows = read_export(client_a.get("/api/v1/metrics/export", {"ids": ",".join(str(m.pk) for m in picked)}))

    assert [r["metric_number"] for r in rows] == [m.metric_number for m in picked]


def test_export_with_accept_csv_and_errors_as_json(client_a, catalog_a):
    ok = client_a.get("/api/v1/metrics/export", HTTP_ACCEPT="text/csv")
    bad = client_a.get("/api/v1/metrics/export", {"ids": "not-a-uuid"}, HTTP_ACCEPT="text/csv")

    assert ok.status_code == 200
    assert len(read_export(ok)) == count(catalog_a)
    assert bad.status_code == 400
    assert bad["Content-Type"].startswith("application/json")
    assert bad.json()["error"]["code"] == "VALIDATION_ERROR"


def test_export_uses_the_export_rate_group(client_a, catalog_a, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "export": "2/m"}

    statuses = [client_a.get("/api/v1/metrics/export").status_code for _ in range(3)]

    assert statuses == [200, 200, 429]


def test_export_of_another_organization_shows_nothing_of_it(client_b, catalog_a, catalog_b):
    metric = Metric.objects.for_organization(catalog_a.organization).first()

    rows = read_export(client_b.get("/api/v1/metrics/export", {"ids": str(metric.pk)}))

    assert rows == []


def test_exported_file_imports_back(client_a, catalog_a):
    exported = b"".join(client_a.get("/api/v1/metrics/export", {"function": "RC"}).streaming_content)
    target = client_a.post("/api/v1/catalogs", {"name": "Round trip"}, format="json").json()["data"]
    catalog = catalog_a.__class__.objects.for_organization(catalog_a.organization).get(pk=target["id"])

    response = upload(client_a, catalog, exported)

    assert response.status_code == 200, response.json()
    assert response.json()["data"]["imported"] == count(catalog) == 4
