from django.apps import AppConfig


class ContractsConfig(AppConfig):
    name = "contracts"

    def ready(self) -> None:
        # Campaigns shows contracts' exclusivity conflicts on the offer form, when creators
        # are added and in the offer API, through its warning registry (it never imports
        # contracts).
        from campaigns.warnings import provider_register
        from contracts.warnings import exclusivity_warnings

        provider_register("contracts.exclusivity", exclusivity_warnings)

    def seed_demo(self, *, organizations, stdout) -> None:
        """kolhub's seed_demo hook: contracts in every state for the demo campaigns'
        collaborations, including a completed one with its sealed PDF (contracts.seeding).
        Runs after campaigns' hook (app order in INSTALLED_APPS)."""
        from contracts.seeding import demo_contracts_seed

        for organization in organizations:
            demo_contracts_seed(organization=organization, stdout=stdout)
