import django.db.models.deletion
from django.db import migrations, models

# Existing entries take their conversion's kind (an entry and its conversion were written
# together, and a conversion's kind does not change in practice), and the days of every
# lead entry are marked for the rollup worker, which recomputes them (leads counted as
# leads, no longer as orders) on its next run.
BACKFILL_KIND = """
UPDATE tracking_attributionentry e SET conversion_kind = c.kind
FROM tracking_conversion c
WHERE c.id = e.conversion_id AND c.kind <> 'sale'
"""

MARK_LEAD_DAYS = """
INSERT INTO tracking_rollupdirtyday (organization_id, collaboration_id, day, marked_at,
                                     created_at, updated_at)
SELECT DISTINCT e.organization_id, e.collaboration_id,
       (e.effective_at AT TIME ZONE o.timezone)::date, now(), now(), now()
FROM tracking_attributionentry e JOIN kolhub_organization o ON o.id = e.organization_id
WHERE e.conversion_kind = 'lead'
ON CONFLICT (organization_id, collaboration_id, day) DO UPDATE SET marked_at = EXCLUDED.marked_at
"""

# A code credit (and the reversals and refunds that copy its rule) takes the
# collaboration's platform when it is on exactly one (its deliverables' and links'); its
# days are marked for the worker, which moves the figures to that platform.
BACKFILL_CODE_PLATFORM = """
WITH platforms AS (
    SELECT collaboration_id, platform FROM campaigns_contentdeliverable WHERE platform <> ''
    UNION
    SELECT collaboration_id, platform FROM tracking_trackinglink WHERE platform <> ''
), single AS (
    SELECT collaboration_id, min(platform) AS platform FROM platforms
    GROUP BY collaboration_id HAVING count(*) = 1
), moved AS (
    UPDATE tracking_attributionentry e SET platform = s.platform FROM single s
    WHERE e.collaboration_id = s.collaboration_id AND e.rule = 'code' AND e.platform = ''
    RETURNING e.organization_id, e.collaboration_id, e.effective_at
)
INSERT INTO tracking_rollupdirtyday (organization_id, collaboration_id, day, marked_at,
                                     created_at, updated_at)
SELECT DISTINCT m.organization_id, m.collaboration_id,
       (m.effective_at AT TIME ZONE o.timezone)::date, now(), now(), now()
FROM moved m JOIN kolhub_organization o ON o.id = m.organization_id
ON CONFLICT (organization_id, collaboration_id, day) DO UPDATE SET marked_at = EXCLUDED.marked_at
"""

# Engagement rate's per-post denominators (METRICS.md): a post already live gets the
# follower count its creator's account on its platform has now (the closest to posting
# time there is for it), and every day with content metrics is marked for the worker,
# which fills the new followers and rated_engagements figures.
BACKFILL_FOLLOWERS = """
INSERT INTO tracking_postfollowers (organization_id, live_post_id, followers, handle,
                                    observed_at, created_at, updated_at)
SELECT DISTINCT ON (lp.id) lp.organization_id, lp.id, a.followers, a.handle, now(), now(),
       now()
FROM campaigns_livepost lp
JOIN campaigns_contentdeliverable d ON d.id = lp.deliverable_id
JOIN campaigns_collaboration c ON c.id = d.collaboration_id
JOIN creators_socialaccount a ON a.organization_id = lp.organization_id
 AND a.creator_id = c.creator_id AND a.platform = d.platform AND a.followers > 0
ORDER BY lp.id, a.followers DESC, a.id
ON CONFLICT DO NOTHING
"""

MARK_METRIC_DAYS = """
INSERT INTO tracking_rollupdirtyday (organization_id, collaboration_id, day, marked_at,
                                     created_at, updated_at)
SELECT DISTINCT s.organization_id, s.collaboration_id,
       (s.observed_at AT TIME ZONE o.timezone)::date, now(), now(), now()
FROM tracking_contentmetricsnapshot s JOIN kolhub_organization o ON o.id = s.organization_id
ON CONFLICT (organization_id, collaboration_id, day) DO UPDATE SET marked_at = EXCLUDED.marked_at
"""


class Migration(migrations.Migration):
    dependencies = [
        ("campaigns", "0006_expenses"),
        ("kolhub", "0001_initial"),
        ("tracking", "0010_click_flush"),
    ]

    operations = [
        migrations.AddField(
            model_name="attributionentry",
            name="conversion_kind",
            field=models.CharField(
                choices=[("sale", "Sale"), ("lead", "Lead")], default="sale", max_length=8
            ),
        ),
        migrations.RunSQL(BACKFILL_KIND, migrations.RunSQL.noop),
        migrations.RunSQL(MARK_LEAD_DAYS, migrations.RunSQL.noop),
        migrations.RunSQL(BACKFILL_CODE_PLATFORM, migrations.RunSQL.noop),
        migrations.AddField(
            model_name="campaigndailyrollup",
            name="followers",
            field=models.BigIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="campaigndailyrollup",
            name="rated_engagements",
            field=models.BigIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="dailyrollup",
            name="followers",
            field=models.BigIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="dailyrollup",
            name="rated_engagements",
            field=models.BigIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="runningtotal",
            name="followers",
            field=models.BigIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="runningtotal",
            name="rated_engagements",
            field=models.BigIntegerField(default=0),
        ),
        migrations.CreateModel(
            name="PostFollowers",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                ("followers", models.PositiveBigIntegerField()),
                ("handle", models.CharField(blank=True, max_length=120)),
                ("observed_at", models.DateTimeField()),
                (
                    "live_post",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="campaigns.livepost",
                    ),
                ),
                (
                    "organization",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="kolhub.organization",
                    ),
                ),
            ],
            options={
                "verbose_name_plural": "post followers",
                "ordering": ["live_post"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("organization", "live_post"), name="post_followers_one_per_post"
                    )
                ],
            },
        ),
        migrations.RunSQL(BACKFILL_FOLLOWERS, migrations.RunSQL.noop),
        migrations.RunSQL(MARK_METRIC_DAYS, migrations.RunSQL.noop),
    ]
