"""Published posts for the content-metrics tests, built through the campaigns services:
an agreed, shipped collaboration whose deliverables are drafted, approved (with a
caption) and reported live with figures and a screenshot."""

from __future__ import annotations

import contextlib
import datetime
from datetime import timedelta

import time_machine

from campaigns import services
from campaigns.models import LivePost
from campaigns.selectors import organization_today
from tests.campaigns.content_factories import deliverables_of, png, shipped_collaboration
from tests.campaigns.factories import make_campaign
from tests.creators.factories import make_creator


def video_url(n: int) -> str:
    # Real video ids are 11 characters of [A-Za-z0-9_-].
    return f"https://www.youtube.com/watch?v=vid{n:08d}"


def video_id(n: int) -> str:
    return f"vid{n:08d}"


def published_posts(
    organization, campaign=None, *, count: int = 1, urls=None, captions=None, figures=None,
    platform: str = "youtube", creator=None, by=None, at: datetime.datetime | None = None,
) -> list[LivePost]:  # fmt: skip
    """`count` live posts of one collaboration (one deliverable each), reported at `at`
    (the whole collaboration is built then: the pipeline refuses moves back in time)."""
    travel = time_machine.travel(at, tick=False) if at else contextlib.nullcontext()
    with travel:
        return _published_posts(organization, campaign, count=count, urls=urls,
                                captions=captions, figures=figures, platform=platform,
                                creator=creator, by=by)  # fmt: skip


def _published_posts(organization, campaign, *, count, urls, captions, figures, platform,
                     creator, by) -> list[LivePost]:  # fmt: skip
    campaign = campaign or make_campaign(organization, name="Zebracorn metrics campaign")
    creator = creator or make_creator(organization)
    today = organization_today(organization)
    collaboration = shipped_collaboration(
        organization, campaign, creator=creator, by=by,
        deliverables=[{"platform": platform, "kind": "video", "quantity": count,
                       "due_date": today + timedelta(days=20)}],
    )  # fmt: skip
    posts = []
    for n, deliverable in enumerate(deliverables_of(collaboration)):
        caption = (captions or [])[n] if captions and n < len(captions) else "A video #ad"
        submission = services.submission_create(
            organization=organization, deliverable=deliverable, upload=png(), caption=caption
        )
        services.submission_review(
            organization=organization, submission=submission, decision="approve", by=by
        )
        url = urls[n] if urls else video_url(n + 1)
        posts.append(
            services.live_post_submit(
                organization=organization,
                deliverable=deliverable,
                url=url,
                figures=figures if figures is not None else {"reach": 1000 + n, "likes": 10},
                screenshot=png("figures.png"),
                actor="creator via portal",
            )  # fmt: skip
        )
    return posts
