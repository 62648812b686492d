"""seed_demo gives the demo campaign's published collaborations tracking links whose
clicks went through the real buffer and flush; running it again adds nothing."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from kolhub.models import Organization
from tracking import clicks
from tracking.models import Click, TrackingLink

pytestmark = pytest.mark.django_db


def test_seed_demo_links_with_flushed_clicks():
    for key in clicks._redis().keys(clicks._key("*")):
        clicks._redis().delete(key)
    call_command("seed_demo")
    from kolhub.tenancy.context import tenant_context

    org = Organization.objects.get(slug="glow-lab")
    with tenant_context(org):
        links = TrackingLink.objects.count()
        recorded = Click.objects.count()
        unique = Click.objects.filter(is_unique=True).count()
    assert links >= 1 and recorded > unique > 0
    call_command("seed_demo")
    with tenant_context(org):
        assert (TrackingLink.objects.count(), Click.objects.count()) == (links, recorded)
