"""Signal receivers tracking connects in TrackingConfig.ready(). Thin: each calls one
service. campaigns cannot import tracking (imports point one way), so tracking listens to
campaigns' saves instead of campaigns calling it."""

from __future__ import annotations

from campaigns.models import FIGURES

# A save that touches none of these (the brand verifying the figures) is not a new report.
REPORT_FIELDS = frozenset({*FIGURES, "reported_at", "screenshot", "url"})


def live_post_saved(sender, instance, created: bool = False, update_fields=None,
                    raw: bool = False, **kwargs) -> None:  # fmt: skip
    """A creator reported (or re-reported) a live post's figures: keep them as a metric
    snapshot with their provenance, in the same transaction as the report."""
    if raw:  # loaddata: the fixture brings its own snapshots
        return
    if update_fields is not None and not REPORT_FIELDS.intersection(update_fields):
        return
    from tracking.services.metrics import metric_snapshot_from_live_post

    metric_snapshot_from_live_post(organization=instance.organization, live_post=instance)


def live_post_deleting(sender, instance, **kwargs) -> None:
    """A live post is about to go, with its metric snapshots: their days are recomputed
    without them (in the deleting transaction)."""
    from tracking.services.metrics import metric_snapshots_forget

    metric_snapshots_forget(organization=instance.organization, live_post=instance)


def collaboration_deleting(sender, instance, **kwargs) -> None:
    """Before a collaboration goes (its rollups and running totals cascade with it), note
    which campaign days it counted on; collaboration_deleted sums them again without it."""
    from tracking.services.rollups import rollups_campaign_days_of

    instance._rollup_campaign_days = rollups_campaign_days_of(
        organization=instance.organization, collaboration_id=instance.pk
    )


def collaboration_deleted(sender, instance, **kwargs) -> None:
    from tracking.services.rollups import rollups_derive

    days = getattr(instance, "_rollup_campaign_days", ())
    rollups_derive(organization=instance.organization, campaign_days=days)


def tracking_link_deleted(sender, instance, **kwargs) -> None:
    """Any deleted link, by tracking_link_delete or by a cascade (its collaboration,
    campaign or organization), gives up its short code and the code's cached target."""
    from tracking.services.touchpoints import tracking_link_code_release

    tracking_link_code_release(link=instance)
