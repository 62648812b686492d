from django.apps import AppConfig


class CreatorsConfig(AppConfig):
    name = "creators"

    def seed_demo(self, *, organizations, stdout) -> None:
        """kolhub's seed_demo hook: the demo brands' rosters, once (creators.seeding)."""
        from creators.seeding import demo_roster_seed

        for organization in organizations:
            demo_roster_seed(organization=organization, stdout=stdout)
