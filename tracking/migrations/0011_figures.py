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


class Migration(migrations.Migration):
    dependencies = [
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
    ]
