"""The NIST reference data, loaded by the data migration, served by csf/* and frameworks/*."""

import pytest
from django.core.management import call_command

from metrics.models import Framework, FrameworkCategory, FrameworkFunction, FrameworkSubcategory

pytestmark = pytest.mark.django_db


def test_frameworks_report_csf_and_ai_rmf_counts(client_a):
    response = client_a.get("/api/v1/frameworks")

    assert response.status_code == 200
    frameworks = {f["id"]: f for f in response.json()["data"]["frameworks"]}
    assert (
        frameworks["csf-2.0"]["function_count"],
        frameworks["csf-2.0"]["category_count"],
        frameworks["csf-2.0"]["subcategory_count"],
    ) == (6, 22, 106)
    assert (
        frameworks["ai-rmf-1.0"]["function_count"],
        frameworks["ai-rmf-1.0"]["category_count"],
        frameworks["ai-rmf-1.0"]["subcategory_count"],
    ) == (4, 19, 72)
    assert frameworks["csf-2.0"]["name"] == "NIST CSF 2.0"


def test_csf_lists_have_6_22_106_entries(client_a):
    functions = client_a.get("/api/v1/csf/functions").json()["data"]["functions"]
    categories = client_a.get("/api/v1/csf/categories").json()["data"]["categories"]
    subcategories = client_a.get("/api/v1/csf/subcategories").json()["data"]["subcategories"]

    assert [f["code"] for f in functions] == ["GV", "ID", "PR", "DE", "RS", "RC"]
    assert functions[2]["name"] == "PROTECT"
    assert len(categories) == 22
    assert len(subcategories) == 106


def test_csf_categories_filter_by_function_code_or_name(client_a):
    by_code = client_a.get("/api/v1/csf/categories", {"function": "PR"}).json()["data"]["categories"]
    by_name = client_a.get("/api/v1/csf/categories", {"function": "protect"}).json()["data"]["categories"]

    assert [c["code"] for c in by_code] == ["PR.AA", "PR.AT", "PR.DS", "PR.PS", "PR.IR"]
    assert by_name == by_code
    assert by_code[0]["name"] == "Identity Management, Authentication, and Access Control"


def test_csf_subcategories_filter_by_category(client_a):
    rows = client_a.get("/api/v1/csf/subcategories", {"category": "PR.AA"}).json()["data"]["subcategories"]

    assert [r["code"] for r in rows] == [f"PR.AA-0{i}" for i in range(1, 7)]
    assert all(r["category_code"] == "PR.AA" for r in rows)


def test_unknown_csf_filter_is_a_validation_error(client_a):
    response = client_a.get("/api/v1/csf/categories", {"function": "NOPE"})

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "VALIDATION_ERROR"


def test_csf_validate_accepts_function_by_name_or_code(client_a):
    by_name = client_a.post(
        "/api/v1/csf/validate", {"function": "PROTECT", "category": "PR.AA"}, format="json"
    ).json()["data"]
    by_code = client_a.post(
        "/api/v1/csf/validate", {"function": "pr", "category": "pr.aa"}, format="json"
    ).json()["data"]

    assert by_name["valid"] is True
    assert by_name["function"] == {"code": "PR", "name": "PROTECT"}
    assert by_name["category"]["code"] == "PR.AA"
    assert by_code["valid"] is True


def test_csf_validate_reports_a_mismatched_category(client_a):
    data = client_a.post(
        "/api/v1/csf/validate", {"function": "DETECT", "category": "PR.AA"}, format="json"
    ).json()["data"]

    assert data["valid"] is False
    assert "PR.AA belongs to PR, not DE." in data["errors"]


def test_csf_validate_without_function_is_a_validation_error(client_a):
    response = client_a.post("/api/v1/csf/validate", {"category": "PR.AA"}, format="json")

    assert response.status_code == 400


def test_framework_detail_and_function_categories(client_a):
    detail = client_a.get("/api/v1/frameworks/ai_rmf").json()["data"]
    categories = client_a.get("/api/v1/frameworks/csf-2.0/functions/RC/categories").json()["data"]
    functions = client_a.get("/api/v1/frameworks/ai-rmf-1.0/functions").json()["data"]["functions"]

    assert detail["id"] == "ai-rmf-1.0"
    assert [f["code"] for f in detail["functions"]] == ["GOVERN", "MAP", "MEASURE", "MANAGE"]
    assert len(detail["functions"][0]["categories"]) == 6
    assert [c["code"] for c in categories["categories"]] == ["RC.RP", "RC.CO"]
    assert [s["code"] for s in categories["categories"][1]["subcategories"]] == ["RC.CO-03", "RC.CO-04"]
    assert [f["category_count"] for f in functions] == [6, 5, 4, 4]


def test_unknown_framework_is_404(client_a):
    assert client_a.get("/api/v1/frameworks/iso-27001").status_code == 404
    assert client_a.get("/api/v1/frameworks/csf-2.0/functions/XX/categories").status_code == 404


def test_frameworks_need_authentication(api_client):
    assert api_client.get("/api/v1/frameworks").status_code == 401


def test_load_frameworks_command_is_idempotent():
    before = (
        Framework.objects.count(),
        FrameworkFunction.objects.count(),
        FrameworkCategory.objects.count(),
        FrameworkSubcategory.objects.count(),
    )

    call_command("load_frameworks", stdout=open("/dev/null", "w"))  # noqa: SIM115

    after = (
        Framework.objects.count(),
        FrameworkFunction.objects.count(),
        FrameworkCategory.objects.count(),
        FrameworkSubcategory.objects.count(),
    )
    assert before == after == (2, 10, 41, 178)
