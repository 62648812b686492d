"""The contracts API: templates CRUD, contracts (create, revise, send, void), signing
status, the PDF, exclusivity conflicts; errors name the field; other tenants get 404."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone

from campaigns.pipeline import Stage
from contracts.default_template import DEFAULT_TEMPLATE_BODY
from kolhub import services as kolhub_services
from kolhub.models import Role
from tests.campaigns.factories import make_campaign, make_collaboration
from tests.contracts.factories import completed_contract, make_contract, terms_json

pytestmark = pytest.mark.django_db


def api(tenant, path: str) -> str:
    return f"/api/v1/o/{tenant.organization.slug}/{path}"


def keyed(tenant, role="member") -> Client:
    with tenant.context():
        _, raw = kolhub_services.api_key_create(
            organization=tenant.organization,
            actor=tenant.memberships[Role.OWNER],
            name="ci",
            role=role,
        )
    return Client(HTTP_AUTHORIZATION=f"Api-Key {raw}")


def test_template_crud_and_refusal_names_the_field(tenant_a):
    client = tenant_a.client(Role.MEMBER)
    bad = client.post(
        api(tenant_a, "contract-templates/"),
        {"name": "Bad", "body": "{{ settings.SECRET_KEY }}"},
        content_type="application/json",
    )
    assert bad.status_code == 400 and "Unknown field 'settings'" in str(bad.json()["errors"])
    created = client.post(
        api(tenant_a, "contract-templates/"),
        {"name": "Short", "body": "<p>{{ creator.name }}</p>"},
        content_type="application/json",
    )
    assert created.status_code == 201, created.json()
    template_id = created.json()["id"]
    assert created.json()["latest_version"] == 1 and created.json()["is_default"]
    changed = client.patch(
        api(tenant_a, f"contract-templates/{template_id}/"),
        {"body": "<p>{{ creator.email }}</p>"},
        content_type="application/json",
    )
    assert changed.json()["latest_version"] == 2
    listed = client.get(api(tenant_a, "contract-templates/")).json()
    assert [t["name"] for t in listed["results"]] == ["Short"]
    deleted = client.delete(api(tenant_a, f"contract-templates/{template_id}/"))
    assert deleted.status_code == 400  # the default template; make another default first
    client.post(
        api(tenant_a, "contract-templates/"),
        {"name": "Long", "body": DEFAULT_TEMPLATE_BODY, "is_default": True},
        content_type="application/json",
    )
    assert client.delete(api(tenant_a, f"contract-templates/{template_id}/")).status_code == 204


def test_contract_lifecycle_over_the_api(tenant_a):
    org = tenant_a.organization
    with tenant_a.context():
        collaboration = make_collaboration(org, make_campaign(org), stage=Stage.AGREED)
    client = keyed(tenant_a)
    body = {
        "collaboration": collaboration.pk,
        "terms": terms_json(tenant_a),
        "signing_order": "creator_first",
    }
    body["terms"]["fee_currency"] = "EUR"
    created = client.post(api(tenant_a, "contracts/"), body, content_type="application/json")
    assert created.status_code == 201, created.json()
    contract = created.json()
    assert contract["state"] == "draft" and contract["terms"]["fee_currency"] == "EUR"
    assert contract["document_sha256"] and "Creator Partnership Agreement" in contract["body_html"]
    cid = contract["id"]
    sent = client.post(api(tenant_a, f"contracts/{cid}/send/"), {}, content_type="application/json")
    assert sent.json()["state"] == "sent"
    signing = client.get(api(tenant_a, f"contracts/{cid}/signing/")).json()
    assert [(s["party"], s["is_turn"]) for s in signing] == [("creator", True), ("brand", False)]
    terms = terms_json(tenant_a, fee="9999")
    revised = client.post(
        api(tenant_a, f"contracts/{cid}/revise/"), {"terms": terms}, content_type="application/json"
    ).json()
    assert revised["version"] == 2 and revised["previous"] == cid and revised["state"] == "draft"
    old = client.get(api(tenant_a, f"contracts/{cid}/")).json()
    assert old["state"] == "superseded"
    voided = client.post(
        api(tenant_a, f"contracts/{revised['id']}/void/"),
        {"reason": "No"},
        content_type="application/json",
    )
    assert voided.json()["state"] == "voided"
    listed = client.get(api(tenant_a, "contracts/"), {"state": "voided"}).json()
    assert [c["id"] for c in listed["results"]] == [revised["id"]]


def test_bad_terms_name_the_field(tenant_a):
    org = tenant_a.organization
    with tenant_a.context():
        collaboration = make_collaboration(org, make_campaign(org), stage=Stage.AGREED)
    terms = terms_json(tenant_a)
    terms["payment_schedule"][0]["percent"] = "10"
    terms["deliverables"][0]["due_date"] = "2000-01-01"
    response = tenant_a.client().post(
        api(tenant_a, "contracts/"),
        {"collaboration": collaboration.pk, "terms": terms},
        content_type="application/json",
    )
    errors = response.json()["errors"]
    assert response.status_code == 400
    assert "terms.payment_schedule" in errors and "terms.deliverables[0].due_date" in errors


def test_pdf_download_and_exclusivity_conflicts(tenant_a):
    with tenant_a.context():
        contract = completed_contract(tenant_a, exclusive=["skincare"], exclusive_days=60)
    client = tenant_a.client(Role.VIEWER)
    detail = client.get(api(tenant_a, f"contracts/{contract.pk}/")).json()
    assert detail["pdf_status"] == "ready" and detail["pdf_url"].endswith(f"{contract.pk}/pdf/")
    assert {e["kind"] for e in detail["events"]} >= {"sent", "signed", "completed", "pdf_sealed"}
    pdf = client.get(api(tenant_a, f"contracts/{contract.pk}/pdf/"))
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")
    conflicts = client.get(
        api(tenant_a, "contracts/exclusivity-conflicts/"),
        {
            "creator": contract.collaboration.creator_id,
            "categories": "SkinCare,food",
            "start": (timezone.localdate() + timezone.timedelta(days=10)).isoformat(),
        },
    ).json()
    assert [c["contract"] for c in conflicts] == [contract.pk]
    assert conflicts[0]["categories"] == ["skincare"] and conflicts[0]["binding"] is True
    later = client.get(
        api(tenant_a, "contracts/exclusivity-conflicts/"),
        {
            "creator": contract.collaboration.creator_id,
            "categories": "skincare",
            "start": (timezone.localdate() + timezone.timedelta(days=90)).isoformat(),
        },
    ).json()
    assert later == []


def test_viewer_cannot_write_and_other_orgs_get_404(tenant_a, tenant_b):
    with tenant_a.context():
        contract = make_contract(tenant_a)
    viewer = tenant_a.client(Role.VIEWER)
    assert viewer.post(api(tenant_a, f"contracts/{contract.pk}/send/")).status_code == 403
    outsider = keyed(tenant_b)
    for path in (
        f"contracts/{contract.pk}/",
        f"contracts/{contract.pk}/signing/",
        f"contracts/{contract.pk}/pdf/",
    ):
        assert outsider.get(api(tenant_a, path)).status_code == 404
        assert outsider.get(api(tenant_b, path)).status_code == 404
    assert (
        outsider.post(
            api(tenant_b, f"contracts/{contract.pk}/void/"),
            {"reason": "x"},
            content_type="application/json",
        ).status_code
        == 404
    )
    created = outsider.post(
        api(tenant_b, "contracts/"),
        {"collaboration": contract.collaboration_id, "terms": terms_json(tenant_b)},
        content_type="application/json",
    )
    assert created.status_code == 400 and "No such collaboration" in str(created.json())
