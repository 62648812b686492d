from django.apps import AppConfig


class ContractsConfig(AppConfig):
    name = "contracts"

    def seed_demo(self, *, organizations, stdout) -> None:
        """kolhub's seed_demo hook: contracts in every state for the demo campaigns'
        collaborations, including a completed one with its sealed PDF (contracts.seeding).
        Runs after campaigns' hook (app order in INSTALLED_APPS)."""
        from contracts.seeding import demo_contracts_seed

        for organization in organizations:
            demo_contracts_seed(organization=organization, stdout=stdout)
