"""The outreach API: pitch templates (CRUD, unknown fields refused by name), a
collaboration's pitch (preview, send, refusals), its thread, and the follow-up plan;
another organization's rows answer 404, and the schema documents it all."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from campaigns.models import Collaboration, OutreachMessage, PitchTemplate
from campaigns.pipeline import Stage
from kolhub.models import OutboxEmail, Role
from tests.campaigns.factories import make_campaign, make_collaboration
from tests.campaigns.test_api_offers import api, key_client, post
from tests.creators.factories import make_creator

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(tenant_a):
    org = tenant_a.organization
    with tenant_a.context():
        campaign = make_campaign(org, name="Serum launch")
        collaboration = make_collaboration(org, campaign, creator=make_creator(
            org, name="Ana Ruiz", email="ana@ruiz.test"))  # fmt: skip
    return tenant_a, campaign, collaboration


def test_template_crud(world):
    tenant, *_ = world
    client = tenant.client(Role.MEMBER)
    url = api(tenant, "pitch-templates/")
    bad = post(client, url, {"name": "X", "subject": "Hi", "body": "{{ creator.__dict__ }}"})
    assert bad.status_code == 400 and "{{ creator.__dict__ }}" in bad.content.decode()
    made = post(client, url, {"name": "X", "subject": "Hi {{ creator_name }}", "body": "Hey"})
    assert made.status_code == 201, made.content
    detail = api(tenant, f"pitch-templates/{made.json()['id']}/")
    patched = client.patch(detail, {"body": "Hey {{ recent_work }}"},
                           content_type="application/json")  # fmt: skip
    assert patched.status_code == 200 and patched.json()["body"] == "Hey {{ recent_work }}"
    assert client.get(url).json()["count"] == 1
    assert client.delete(detail).status_code == 204
    with tenant.context():
        assert not PitchTemplate.objects.exists()


def test_preview_then_send_then_thread(world, django_capture_on_commit_callbacks):
    tenant, campaign, collaboration = world
    client = key_client(tenant)
    preview = post(client, api(tenant, f"collaborations/{collaboration.pk}/pitch/preview/"))
    assert preview.status_code == 200, preview.content
    draft = preview.json()
    assert draft["problems"] == [] and "Hi Ana," in draft["body"]
    body = draft["body"].replace("Hi Ana,", "Hi Ana, your SPF explainer was spot on.")
    with django_capture_on_commit_callbacks(execute=True):
        sent = post(client, api(tenant, f"collaborations/{collaboration.pk}/pitch/"),
                    {"subject": draft["subject"], "body": body})  # fmt: skip
    assert sent.status_code == 201, sent.content
    assert sent.json()["kind"] == "pitch"
    assert "your SPF explainer was spot on" in OutboxEmail.objects.get(to="ana@ruiz.test").body_text
    with tenant.context():
        assert Collaboration.objects.get(pk=collaboration.pk).stage == Stage.INVITED
    again = post(client, api(tenant, f"collaborations/{collaboration.pk}/pitch/"),
                 {"subject": "x", "body": "y"})  # fmt: skip
    assert again.status_code == 400 and "shortlisted" in again.content.decode()
    url = api(tenant, f"collaborations/{collaboration.pk}/messages/")
    assert post(client, url, {"body": "Any questions?"}).status_code == 201
    thread = client.get(url).json()
    assert [m["kind"] for m in thread] == ["pitch", "message"]
    assert post(client, url, {"body": ""}).status_code == 400


def test_send_refuses_an_empty_body_and_writes_nothing(world):
    tenant, campaign, collaboration = world
    response = post(tenant.client(Role.MEMBER),
                    api(tenant, f"collaborations/{collaboration.pk}/pitch/"),
                    {"subject": "Hi", "body": "   "})  # fmt: skip
    assert response.status_code == 400
    with tenant.context():
        assert not OutreachMessage.objects.exists()


def test_follow_up_plan(world):
    tenant, campaign, _ = world
    client = tenant.client(Role.MEMBER)
    url = api(tenant, f"campaigns/{campaign.pk}/follow-ups/")
    assert client.get(url).json() == {"campaign": campaign.pk, "enabled": True, "days": [3, 7],
                                      "template": None}  # fmt: skip
    response = client.put(url, {"enabled": True, "days": [4]}, content_type="application/json")
    assert response.status_code == 200 and response.json()["days"] == [4]
    bad = client.put(url, {"enabled": True, "days": [99]}, content_type="application/json")
    assert bad.status_code == 400


def test_other_organizations_rows_are_404(world, tenant_b):
    tenant, campaign, collaboration = world
    outsider = key_client(tenant_b)
    base = f"/api/v1/o/{tenant_b.organization.slug}/"
    assert post(outsider, f"{base}collaborations/{collaboration.pk}/pitch/",
                {"subject": "x", "body": "y"}).status_code == 404  # fmt: skip
    assert outsider.get(f"{base}collaborations/{collaboration.pk}/messages/").status_code == 404
    assert outsider.get(f"{base}campaigns/{campaign.pk}/follow-ups/").status_code == 404


def test_schema_documents_outreach(tmp_path, tenant_a):
    out = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    schema = out.read_text()
    for path in ("/pitch-templates/", "/pitch/preview/", "/pitch/", "/messages/",
                 "/follow-ups/"):  # fmt: skip
        assert path in schema
