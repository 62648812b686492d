from django.db import migrations

# Facet lexemes: the values discovery filters on, as positionless lexemes in the search
# vector ('f:c:US', 'f:ac:US:30' = audience US share ≥ 30, ...), so a text search and its
# filters meet in one GIN scan, which intersects them inside the index (creators/facets.py
# builds the matching queries; docs/fit-score.md, "Facets"). This function is the only
# place the tokens are made: creators.derived and the bulk loader call it. The buckets must
# agree with creators/facets.py; tests/creators/test_facets.py checks that no filter loses
# a row. Changing them means a new migration that replaces the function and re-runs the
# backfill.
#
# The English parser splits on ':', so no text lexeme is ever 'f:…' (no collision with a
# search word), and positionless lexemes do not change ts_rank for a text query.
FUNCTION = """
CREATE OR REPLACE FUNCTION creator_search_facets(
  country text, credential_status text, role text, platforms text[], niches text[],
  languages text[], followers bigint, engagement_rate numeric, audience_countries jsonb,
  audience_ages jsonb, audience_gender jsonb, audience_interests jsonb
) RETURNS tsvector LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
SELECT array_to_tsvector(ARRAY(SELECT t FROM unnest(
  ARRAY['f:c:' || country, 'f:cred:' || credential_status, 'f:r:' || role,
        'f:t:' || CASE WHEN followers >= 1000000 THEN 'mega' WHEN followers >= 500000 THEN 'macro'
                       WHEN followers >= 100000 THEN 'mid' WHEN followers >= 10000 THEN 'micro'
                       ELSE 'nano' END]
  || ARRAY(SELECT 'f:p:' || v FROM unnest(platforms) v)
  || ARRAY(SELECT 'f:n:' || v FROM unnest(niches) v)
  || ARRAY(SELECT 'f:l:' || v FROM unnest(languages) v)
  -- f:er:k: engagement ≥ k, for k = 1..10.
  || ARRAY(SELECT 'f:er:' || k FROM generate_series(1, least(10, floor(engagement_rate)::int)) k)
  -- Audience shares ≥ b, in steps of 10 (countries) or 20 (ages, gender): every step up to
  -- the share, so a minimum is one lexeme. Compared as float8, as the filter compares.
  || ARRAY(SELECT 'f:ac:' || key || ':' || b FROM jsonb_each_text(audience_countries),
           generate_series(10, least(100, floor(value::float8 / 10) * 10)::int, 10) b)
  || ARRAY(SELECT 'f:aa:' || key || ':' || b FROM jsonb_each_text(audience_ages),
           generate_series(20, least(100, floor(value::float8 / 20) * 20)::int, 20) b)
  || ARRAY(SELECT 'f:ag:' || key || ':' || b FROM jsonb_each_text(audience_gender),
           generate_series(20, least(100, floor(value::float8 / 20) * 20)::int, 20) b)
  || ARRAY(SELECT 'f:ai:' || key FROM jsonb_object_keys(audience_interests) key)
-- Over-long values get no lexeme (a lexeme has a size limit); their filters skip the facet.
) t WHERE t IS NOT NULL AND length(t) <= 200))
$$;
"""

# A one-off backfill in SQL, as in 0004 (row-level security lifted for the owner while it
# runs; kolhub/tenancy/rls.py re-applies it after every migrate anyway). Every row is
# rewritten, so the GIN index is built once afterwards instead of taking 30 more entries
# per row one by one. Facet lexemes are the only ones starting with 'f:' (see above), which
# is how the reverse takes them out.
BACKFILL = """
ALTER TABLE creators_creator NO FORCE ROW LEVEL SECURITY;
DROP INDEX IF EXISTS creator_search;
UPDATE creators_creator c
   SET search_vector = coalesce(c.search_vector, '') || creator_search_facets(c.country,
       c.credential_status, c.role, c.platforms::text[], c.niches::text[], c.languages::text[],
       c.followers, c.engagement_rate, c.audience_countries, c.audience_ages,
       c.audience_gender, c.audience_interests);
CREATE INDEX creator_search ON creators_creator USING gin (search_vector);
ALTER TABLE creators_creator FORCE ROW LEVEL SECURITY;
ANALYZE creators_creator;
"""
STRIP = """
ALTER TABLE creators_creator NO FORCE ROW LEVEL SECURITY;
UPDATE creators_creator SET search_vector = ts_delete(search_vector,
  ARRAY(SELECT lexeme FROM unnest(search_vector) WHERE lexeme LIKE 'f:%'));
ALTER TABLE creators_creator FORCE ROW LEVEL SECURITY;
"""


class Migration(migrations.Migration):
    dependencies = [("creators", "0004_audience_peaks")]

    operations = [
        migrations.RunSQL(FUNCTION, "DROP FUNCTION creator_search_facets"),
        migrations.RunSQL(BACKFILL, STRIP),
    ]
