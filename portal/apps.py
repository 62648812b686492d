from django.apps import AppConfig


class PortalConfig(AppConfig):
    """The creator-facing portal (/p/<token>/): a UI over the other apps' services."""

    name = "portal"
