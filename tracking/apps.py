from django.apps import AppConfig


class TrackingConfig(AppConfig):
    name = "tracking"

    def seed_demo(self, *, organizations, stdout) -> None:
        """kolhub's seed_demo hook: tracking links with clicks for the demo campaign's
        published collaborations (tracking.seeding)."""
        from tracking.seeding import demo_links_seed

        for organization in organizations:
            made = demo_links_seed(organization=organization)
            if made:
                stdout.write(f"{organization.name}: {made} tracking links with demo clicks")
