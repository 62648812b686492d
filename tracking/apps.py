from django.apps import AppConfig


class TrackingConfig(AppConfig):
    name = "tracking"

    def seed_demo(self, *, organizations, stdout) -> None:
        """kolhub's seed_demo hook: a promo code, a landing page and a few leads on each
        demo campaign (tracking.seeding). Runs after campaigns' hook (app order)."""
        from tracking.seeding import demo_tracking_seed

        for organization in organizations:
            demo_tracking_seed(organization=organization, stdout=stdout)
