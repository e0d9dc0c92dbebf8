"""The Sandbox's engagement curves and audience draws (pure functions, no server)."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from tandem.connectors.sandbox.audience import (
    AudienceConfig,
    Writer,
    comments_between,
    mentions_between,
    plain_writer,
)
from tandem.connectors.sandbox.engagement import (
    HORIZON,
    age_at,
    figures_at,
    followers_at,
    progress,
)
from tandem.sim.conversations import message

T0 = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)


def test_progress_rises_fast_then_saturates_over_days() -> None:
    assert progress(0) == 0.0
    assert 0.1 < progress(3600) < 0.25  # a fair share in the first hour
    assert progress(6 * 3600) > 0.5  # most of it within six hours
    assert 0.85 < progress(48 * 3600) < 0.97  # still creeping up on day two
    assert progress(72 * 3600) > 0.97
    assert progress(HORIZON.total_seconds()) == progress(30 * 86400) == 1.0
    ages = [minutes * 60 for minutes in range(0, 7 * 24 * 60, 37)]
    values = [progress(age) for age in ages]
    assert values == sorted(values)


@pytest.mark.parametrize("share", [0.01, 0.3, 0.5, 0.9, 0.999])
def test_age_at_inverts_progress(share: float) -> None:
    assert progress(age_at(share)) == pytest.approx(share, abs=1e-9)


def test_figures_grow_with_age_and_are_the_same_at_the_same_time() -> None:
    readings = [
        figures_at("sbx_7", 5000, T0, T0 + hours * HOUR) for hours in (0, 1, 6, 24, 72)
    ]
    assert readings[0].impressions == 0
    for earlier, later in zip(readings, readings[1:], strict=False):
        assert later.impressions >= earlier.impressions
        assert later.likes >= earlier.likes
        assert later.reach <= later.impressions
    assert readings[-1].impressions > readings[1].impressions > 0
    assert figures_at("sbx_7", 5000, T0, T0 + 6 * HOUR) == readings[2]
    # Quality is per post: another post with the same audience does differently.
    assert figures_at("sbx_8", 5000, T0, T0 + 72 * HOUR) != readings[-1]


def test_followers_grow_slowly() -> None:
    assert followers_at(1000, T0, T0) == 1000
    month = followers_at(1000, T0, T0 + timedelta(days=30))
    assert 1100 <= month <= 1150
    assert followers_at(1000, T0, T0 - HOUR) == 1000


def _comments(
    start: datetime | None, end: datetime, writer: Writer = plain_writer
) -> list[str]:
    arrivals = comments_between(
        writer,
        AudienceConfig(),
        account="brand",
        post_id="sbx_3",
        post_created_at=T0,
        expected=30.0,
        start=start,
        end=end,
    )
    return [f"{a.id}|{a.created_at.isoformat()}|{a.text}" for a in arrivals]


def test_comments_are_the_same_however_the_window_is_cut() -> None:
    end = T0 + timedelta(days=8)
    whole = _comments(None, end)
    pieces = (
        _comments(None, T0 + HOUR)
        + _comments(T0 + HOUR, T0 + 9 * HOUR)
        + _comments(T0 + 9 * HOUR, end)
    )
    assert pieces == whole
    assert 15 <= len(whole) <= 50  # about the expected 30
    first_six_hours = _comments(None, T0 + 6 * HOUR)
    assert len(first_six_hours) > len(whole) / 3  # front-loaded


def test_mentions_follow_the_hourly_rate_from_their_origin() -> None:
    config = AudienceConfig(mentions_per_hour=3.0)
    arrivals = mentions_between(
        plain_writer,
        config,
        account="brand",
        origin=T0,
        start=None,
        end=T0 + timedelta(days=4),
    )
    assert 200 <= len(arrivals) <= 380  # 96 hours x 3
    assert all(a.created_at >= T0 for a in arrivals)
    assert all(a.text.startswith("@brand") for a in arrivals)
    assert len({a.id for a in arrivals}) == len(arrivals)
    later = mentions_between(
        plain_writer,
        config,
        account="brand",
        origin=T0,
        start=T0 + timedelta(days=2),
        end=T0 + timedelta(days=4),
    )
    assert [a.id for a in later] == [
        a.id for a in arrivals if a.created_at > T0 + timedelta(days=2)
    ]


def test_some_messages_are_later_edited_or_deleted_and_never_before_they_arrive() -> (
    None
):
    config = AudienceConfig(edit_share=0.3, delete_share=0.2, mentions_per_hour=5)
    arrivals = mentions_between(
        plain_writer, config, account="b", origin=T0, start=None, end=T0 + 48 * HOUR
    )
    edited = [a for a in arrivals if a.edited_at is not None]
    deleted = [a for a in arrivals if a.deleted_at is not None]
    assert 0.2 < len(edited) / len(arrivals) < 0.4
    assert 0.1 < len(deleted) / len(arrivals) < 0.3
    assert all(a.edited_at > a.created_at and a.edited_text for a in edited)  # type: ignore[operator]
    assert all(a.deleted_at > a.created_at for a in deleted)  # type: ignore[operator]


def test_the_simulator_writer_fits_and_speaks_in_its_templates() -> None:
    sim_texts = _comments(None, T0 + timedelta(days=8), writer=message)
    plain_texts = _comments(None, T0 + timedelta(days=8))
    assert [t.split("|")[:2] for t in sim_texts] == [
        t.split("|")[:2] for t in plain_texts
    ]  # the same arrivals, in other words
    assert sim_texts != plain_texts
    assert (
        message(random.Random(1), "spam").text
        != plain_writer(random.Random(1), "spam").text
    )


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"comment_rate": -1}, "must not be negative"),
        ({"edit_share": 0.8, "delete_share": 0.5}, "sum to at most 1"),
        ({"mentions_per_hour": "lots"}, "must be a number"),
        ({"loudness": 3}, "Unknown audience setting"),
    ],
)
def test_audience_settings_are_checked(changes: dict[str, object], words: str) -> None:
    with pytest.raises(ValueError, match=words):
        AudienceConfig().updated(changes)
