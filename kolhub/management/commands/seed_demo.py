"""Idempotent demo data: two brands, so isolation is visible, and a platform admin."""

from __future__ import annotations

from allauth.account.models import EmailAddress
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from kolhub import services
from kolhub.models import Membership, Organization, Role
from kolhub.tenancy.context import tenant_context

PASSWORD = "demo-pass-2026"
BRANDS = [
    {
        "name": "Glow Lab Skincare",
        "slug": "glow-lab",
        "currency": "USD",
        "timezone": "America/New_York",
        "people": [
            ("owner@glowlab.example", "Maya", "Chen", Role.OWNER),
            ("member@glowlab.example", "Leo", "Martins", Role.MEMBER),
        ],
    },
    {
        "name": "PeakForm Nutrition",
        "slug": "peakform",
        "currency": "GBP",
        "timezone": "Europe/London",
        "people": [("owner@peakform.example", "Sam", "Okafor", Role.OWNER)],
    },
]
ADMIN = ("admin@kolhub.example", "Platform", "Admin")


class Command(BaseCommand):
    help = "Create (or refresh) the demo brands, their people and a platform admin."

    @transaction.atomic
    def handle(self, *args, **options):
        for brand in BRANDS:
            org = Organization.objects.filter(slug=brand["slug"]).first()
            owner_email = brand["people"][0][0]
            owner = self._user(*brand["people"][0][:3])
            if org is None:
                org = services.organization_create(
                    name=brand["name"],
                    owner=owner,
                    default_currency=brand["currency"],
                    timezone_name=brand["timezone"],
                    slug=brand["slug"],
                )
                self.stdout.write(f"created {org.name} (owner {owner_email})")
            with tenant_context(org):
                for email, first, last, role in brand["people"]:
                    user = self._user(email, first, last)
                    Membership.objects.update_or_create(
                        organization=org, user=user, defaults={"role": role}
                    )
        # Each app adds its own demo data through an AppConfig.seed_demo(organizations)
        # hook, so this command (in the first app) imports none of the later ones.
        organizations = list(Organization.objects.filter(slug__in=[b["slug"] for b in BRANDS]))
        for app_config in apps.get_app_configs():
            hook = getattr(app_config, "seed_demo", None)
            if hook is not None:
                hook(organizations=organizations, stdout=self.stdout)
        admin = self._user(*ADMIN)
        if not admin.is_superuser:
            admin.is_staff = admin.is_superuser = True
            admin.save(update_fields=["is_staff", "is_superuser"])
        self.stdout.write(self.style.SUCCESS("demo data ready"))

    def _user(self, email: str, first: str, last: str):
        User = get_user_model()
        user, created = User.objects.get_or_create(
            email=email, defaults={"first_name": first, "last_name": last}
        )
        if created:
            user.set_password(PASSWORD)
            user.save()
        EmailAddress.objects.update_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
        return user
