from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    name = "campaigns"

    def seed_demo(self, *, organizations, stdout) -> None:
        """kolhub's seed_demo hook: a demo campaign per demo brand, once, with a pipeline
        spread across every stage (campaigns.seeding). Runs after creators' hook (app
        order in INSTALLED_APPS), so the rosters exist."""
        from campaigns.seeding import demo_campaign_seed

        for organization in organizations:
            demo_campaign_seed(organization=organization, stdout=stdout)
