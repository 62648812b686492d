"""allauth hooks: where people land after signing up or logging in."""

from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from django.urls import reverse


class AccountAdapter(DefaultAccountAdapter):
    def get_login_redirect_url(self, request) -> str:
        # "home" sends a member to their organization and a new user to onboarding.
        return reverse("home")

    def get_signup_redirect_url(self, request) -> str:
        return reverse("home")
