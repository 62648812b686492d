"""The click buffer's wire format and the redirect's cost: one Redis command and no query
for a cached code; lines the flush cannot store are set aside, not retried forever; clicks
buffered in the older JSON form are still stored."""

from __future__ import annotations

import json
import uuid

import pytest
from django.test import Client
from django.utils import timezone

from tests.tracking.world import PHONE, linked
from tracking import clicks
from tracking.models import Click

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("redis_client")]


def command_calls(client) -> dict[str, int]:
    return {name.removeprefix("cmdstat_"): stat["calls"]
            for name, stat in client.info("commandstats").items()}  # fmt: skip


def test_cached_redirect_is_one_redis_script_and_no_query(
    tenant_a, redis_client, django_assert_num_queries
):
    with tenant_a.context():
        _c, link = linked(tenant_a.organization)
    Client(HTTP_USER_AGENT=PHONE).get(f"/r/{link.code}")  # caches the code
    redis_client.config_resetstat()
    with django_assert_num_queries(0):
        response = Client(HTTP_USER_AGENT=PHONE, REMOTE_ADDR="192.0.2.9").get(f"/r/{link.code}")
    assert response.status_code == 302
    # One script call; Redis counts the commands it ran inside (target, last-seen, stamp,
    # push) under their own names.
    assert command_calls(redis_client) == {"config": 1, "evalsha": 1, "get": 2, "set": 1,
                                           "rpush": 1}  # fmt: skip
    assert redis_client.llen(clicks._key(clicks.BUFFER)) == 2


def test_buffered_line_is_copy_text_and_round_trips_an_awkward_referrer(tenant_a, redis_client):
    with tenant_a.context():
        _c, link = linked(tenant_a.organization)
    referrer = "https://we\\ird.example/x"  # urlsplit() already drops tabs and newlines
    Client(HTTP_USER_AGENT=PHONE, HTTP_REFERER=referrer).get(f"/r/{link.code}")
    (line,) = redis_client.lrange(clicks._key(clicks.BUFFER), 0, -1)
    fields = line.decode().split("\t")
    assert len(fields) == 8
    assert fields[1:3] == [str(tenant_a.organization.pk), str(link.pk)]
    assert fields[6] == "we\\\\ird.example" and fields[7] == "t"
    assert clicks.flush_clicks() == 1
    with tenant_a.context():
        assert Click.objects.get().referrer_host == "we\\ird.example"


def test_malformed_lines_are_set_aside_and_the_rest_stored(tenant_a, redis_client):
    with tenant_a.context():
        _c, link = linked(tenant_a.organization)
    for n in range(3):
        Client(HTTP_USER_AGENT=PHONE, REMOTE_ADDR=f"192.0.2.{n}").get(f"/r/{link.code}")
    bad = [
        b"not a click at all",
        f"{uuid.uuid4().hex}\t{tenant_a.organization.pk}\t{link.pk}\t2026-13-45T00:00:00+00:00"
        f"\t{'a' * 64}\tmobile\t\tt".encode(),  # a date PostgreSQL refuses
    ]
    redis_client.rpush(clicks._key(clicks.BUFFER), *bad)
    assert clicks.flush_clicks() == 3
    assert redis_client.lrange(clicks._key(clicks.REJECTED), 0, -1) == bad
    assert not redis_client.smembers(clicks._key(clicks.PENDING))
    assert clicks.flush_clicks() == 0  # nothing left to retry
    with tenant_a.context():
        assert Click.objects.count() == 3


def test_clicks_buffered_as_json_before_the_line_format_are_stored(tenant_a, redis_client):
    with tenant_a.context():
        _c, link = linked(tenant_a.organization)
    click_id = uuid.uuid4().hex
    old = {"click_id": click_id, "org": tenant_a.organization.pk, "link": link.pk,
           "at": timezone.now().isoformat(), "visitor": "b" * 64, "ua": "desktop",
           "ref": "www.tiktok.com", "unique": False}  # fmt: skip
    redis_client.rpush(clicks._key(clicks.BUFFER), json.dumps(old), b'{"click_id": "oops"}')
    Client(HTTP_USER_AGENT=PHONE).get(f"/r/{link.code}")
    assert clicks.flush_clicks() == 2
    assert redis_client.lrange(clicks._key(clicks.REJECTED), 0, -1) == [b'{"click_id": "oops"}']
    with tenant_a.context():
        stored = Click.objects.get(click_id=click_id)
        assert (stored.referrer_host, stored.is_unique, stored.user_agent_class) == (
            "www.tiktok.com", False, "desktop")  # fmt: skip
        assert Click.objects.count() == 2


def test_a_line_naming_another_tenants_link_is_not_stored(tenant_a, tenant_b, redis_client):
    with tenant_a.context():
        _c, link = linked(tenant_a.organization)
    forged = (f"{uuid.uuid4().hex}\t{tenant_b.organization.pk}\t{link.pk}\t"
              f"{timezone.now().isoformat()}\t{'c' * 64}\tmobile\t\tt")  # fmt: skip
    redis_client.rpush(clicks._key(clicks.BUFFER), forged)
    assert clicks.flush_clicks() == 0
    with tenant_b.context():
        assert not Click.objects.exists()
    with tenant_a.context():
        assert not Click.objects.exists()


def test_a_batch_move_run_twice_returns_the_same_batch(tenant_a, redis_client):
    with tenant_a.context():
        _c, link = linked(tenant_a.organization)
    for n in range(5):
        Client(HTTP_USER_AGENT=PHONE, REMOTE_ADDR=f"192.0.2.{n}").get(f"/r/{link.code}")
    keys = [clicks._key(clicks.BUFFER), clicks._key("clicks:processing:b1"),
            clicks._key(clicks.PENDING)]  # fmt: skip
    move = clicks._script(redis_client, clicks.MOVE_SCRIPT)
    first = move(keys=keys, args=[3, "b1"], client=redis_client)
    # As if the reply had been lost and the call retried: no second slice moved under the
    # same id (the flush would store one slice and delete both).
    assert move(keys=keys, args=[3, "b1"], client=redis_client) == first
    assert len(first) == 3 and redis_client.llen(clicks._key(clicks.BUFFER)) == 2
    assert clicks.flush_clicks() == 5
