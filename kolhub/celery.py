"""The Celery app. Settings are the CELERY_* names in kolhub/settings/base.py (JSON only,
acks_late, reject_on_worker_lost, time limits, one visibility_timeout); the beat schedule
is here, in code."""

from __future__ import annotations

from celery import Celery
from celery.contrib.django.task import DjangoTask


class TenantTask(DjangoTask):
    """Base for every task that touches tenant data.

    The first argument is `organization_id`; the body runs inside that organization's
    tenant context (its transaction, scope and database role). Enqueue with
    `.delay_on_commit(...)` so the worker never runs ahead of the data it needs."""

    abstract = True

    def __call__(self, organization_id: int, *args, **kwargs):
        from kolhub.models import Organization
        from kolhub.tenancy.context import tenant_context

        organization = Organization.objects.get(pk=organization_id)
        with tenant_context(organization):
            return super().__call__(organization_id, *args, **kwargs)


class TenantBatchTask(TenantTask):
    """A TenantTask whose body commits several times.

    TenantTask runs the whole body in one tenant transaction. An import of 100,000 rows
    must commit batch by batch, or the progress bar would sit at 0% until the end (nobody
    else sees uncommitted counters) and a crash at row 90,000 would lose everything. So
    this base leaves the transaction to the body, which enters `tenant_context` once per
    batch. Between those blocks the ORM wall still holds: a tenant query raises
    ScopeError, it cannot run unscoped by mistake. Same contract otherwise: the first
    argument is `organization_id`, enqueue with `.delay_on_commit(...)`."""

    abstract = True

    def __call__(self, organization_id: int, *args, **kwargs):
        # Skip TenantTask's single transaction; the body enters tenant_context itself.
        return DjangoTask.__call__(self, organization_id, *args, **kwargs)


app = Celery("kolhub", task_cls=DjangoTask)
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Later issues add the attribution pulls and rollups here.
app.conf.beat_schedule = {
    "purge-stale-records-daily": {
        "task": "kolhub.tasks.purge_stale_records_task",
        "schedule": 24 * 60 * 60,
    },
    # By name: kolhub never imports creators (see DESIGN.md, imports point one way).
    "refresh-stale-creator-accounts-hourly": {
        "task": "creators.enrichment.tasks.refresh_stale_accounts_task",
        "schedule": 60 * 60,
    },
    # Seeding nudges: creators whose product was delivered N days ago with no content yet.
    "send-seeding-nudges-hourly": {
        "task": "campaigns.shipping.tasks.send_seeding_nudges_task",
        "schedule": 60 * 60,
    },
    "send-outreach-follow-ups-hourly": {
        "task": "campaigns.tasks.send_follow_ups_task",
        "schedule": 60 * 60,
    },
    # Tracking-link clicks buffered in Redis, COPYed into PostgreSQL (tracking.clicks).
    "flush-tracking-clicks": {
        "task": "tracking.tasks.flush_clicks_task",
        "schedule": 15,
    },
    # Orders whose click id was not flushed yet when they arrived (tracking.attribution).
    "reattribute-late-clicks": {
        "task": "tracking.tasks.reattribute_late_clicks_all_task",
        "schedule": 60,
    },
    # Daily rollups: recompute the days marked dirty (tracking.services.rollups).
    "refresh-tracking-rollups": {
        "task": "tracking.tasks.refresh_rollups_all_task",
        "schedule": 20,
    },
    # Store order pulls (Shopify) due now: active ones, and retrying ones past backoff.
    "pull-store-orders": {
        "task": "tracking.connectors.tasks.pull_due_stores_task",
        "schedule": 5 * 60,
    },
    # Published posts' figures from platform APIs (YouTube videos.list), tracking.metric_tasks.
    "pull-content-metrics-6-hourly": {
        "task": "tracking.metric_tasks.pull_due_content_metrics_task",
        "schedule": 6 * 60 * 60,
    },
}
