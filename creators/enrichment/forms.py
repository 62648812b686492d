from __future__ import annotations

from django import forms


class CredentialForm(forms.Form):
    api_key = forms.CharField(
        max_length=255,
        required=False,
        label="API key",
        # Never echoed back, not even after a validation error: the page must not hold it.
        widget=forms.PasswordInput(
            render_value=False, attrs={"autocomplete": "new-password", "spellcheck": "false"}
        ),
        help_text="From Google Cloud console → APIs & Services → Credentials, with the "
        "YouTube Data API v3 enabled. Leave empty to keep the key already saved.",
    )
    base_url = forms.URLField(
        required=False,
        max_length=200,
        assume_scheme="https",
        label="API base URL",
        widget=forms.URLInput(attrs={"placeholder": "https://www.googleapis.com/youtube/v3"}),
        help_text="Only for a proxy or a test server; empty means YouTube's own endpoint.",
    )
    stale_after_days = forms.IntegerField(
        min_value=1,
        max_value=365,
        initial=7,
        label="Refresh figures older than (days)",
        help_text="Every hour, accounts whose figures are older than this are refreshed.",
    )
