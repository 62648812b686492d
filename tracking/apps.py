from django.apps import AppConfig


class TrackingConfig(AppConfig):
    name = "tracking"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save, pre_delete

        from campaigns.models import Collaboration, LivePost
        from tracking.models import TrackingLink
        from tracking.receivers import (
            collaboration_deleted,
            collaboration_deleting,
            live_post_deleting,
            live_post_saved,
            tracking_link_deleted,
        )

        post_save.connect(live_post_saved, sender=LivePost,
                          dispatch_uid="tracking.live_post_snapshot")  # fmt: skip
        pre_delete.connect(live_post_deleting, sender=LivePost,
                           dispatch_uid="tracking.live_post_forget")  # fmt: skip
        # A deleted collaboration's campaign days are summed again without it.
        pre_delete.connect(collaboration_deleting, sender=Collaboration,
                           dispatch_uid="tracking.collaboration_rollups_note")  # fmt: skip
        post_delete.connect(collaboration_deleted, sender=Collaboration,
                            dispatch_uid="tracking.collaboration_rollups_resum")  # fmt: skip
        # A link deleted by a cascade must not keep redirecting (LinkCode, Redis cache).
        post_delete.connect(tracking_link_deleted, sender=TrackingLink,
                            dispatch_uid="tracking.tracking_link_code_release")  # fmt: skip

    def seed_demo(self, *, organizations, stdout) -> None:
        """kolhub's seed_demo hook: a promo code, a landing page and a few leads on each
        demo campaign, and tracking links with clicks for its published collaborations
        (tracking.seeding), then three weeks of clicks and orders through the real flush,
        recording path and rollup worker. Runs after campaigns' hook (app order)."""
        from tracking.seeding import demo_links_seed, demo_results_seed, demo_tracking_seed

        for organization in organizations:
            demo_tracking_seed(organization=organization, stdout=stdout)
            made = demo_links_seed(organization=organization)
            if made:
                stdout.write(f"{organization.name}: {made} tracking links with demo clicks")
            results = demo_results_seed(organization=organization)
            if results:
                stdout.write(
                    f"{organization.name}: {results['clicks']} past clicks, "
                    f"{results['orders']} orders through the attribution ledger, "
                    f"{results['rollup_days']} days rolled up"
                )
