"""A URLconf for test_middleware.py only: an organization route that writes, then fails."""

from datetime import timedelta

from django.urls import include, path
from django.utils import timezone

from kolhub.models import Invitation
from kolhub.urls import urlpatterns as real_urlpatterns


def write_then_fail(request, org_slug):
    Invitation.objects.create(
        organization=request.organization,
        email="half-written@example.test",
        token_hash="x" * 64,
        expires_at=timezone.now() + timedelta(days=1),
    )
    raise RuntimeError("the view broke after writing")


urlpatterns = [
    path("o/<slug:org_slug>/broken/", write_then_fail),
    path("", include(real_urlpatterns)),
]
