"""SLA bands and states, by hand."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tandem.core import InvalidInput
from tandem.inbox.model import Status
from tandem.inbox.sla import (
    DEFAULT_TARGETS,
    SlaTarget,
    check_targets,
    sla_state,
    target_for,
)
from tests.unit.inbox.items import make_item

T = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


def test_bands_pick_the_highest_start_not_above_the_priority():
    assert target_for(85, DEFAULT_TARGETS).minutes == 60
    assert target_for(80, DEFAULT_TARGETS).minutes == 60
    assert target_for(79.9, DEFAULT_TARGETS).minutes == 240
    assert target_for(3, DEFAULT_TARGETS).minutes == 1440


def test_a_waiting_item_counts_down_then_breaches():
    item = make_item(priority=85, created_at=T)
    state = sla_state(item, DEFAULT_TARGETS, T + timedelta(minutes=20))
    assert state == (T + timedelta(hours=1), False, timedelta(minutes=40))
    assert state.status == "soon" and state.words == "due in 40 min"
    late = sla_state(item, DEFAULT_TARGETS, T + timedelta(minutes=90))
    assert late.breached and late.remaining == timedelta(minutes=-30)
    assert late.words == "overdue by 30 min"


def test_an_answer_settles_it_met_or_late():
    on_time = make_item(
        priority=60, created_at=T, first_response_at=T + timedelta(hours=3)
    )
    assert sla_state(on_time, DEFAULT_TARGETS, T + timedelta(days=2)).status == "met"
    late = make_item(
        priority=60, created_at=T, first_response_at=T + timedelta(hours=5)
    )
    state = sla_state(late, DEFAULT_TARGETS, T + timedelta(days=2))
    assert state.breached and state.remaining is None


def test_spam_hidden_and_closed_without_reply_have_no_target():
    now = T + timedelta(days=3)
    for item in (
        make_item(intent="spam", created_at=T),
        make_item(hidden=True, created_at=T),
        make_item(status=Status.CLOSED, created_at=T),
    ):
        state = sla_state(item, DEFAULT_TARGETS, now)
        assert state == (None, False, None) and state.status == "none"


def test_targets_need_a_band_from_zero_and_no_duplicates():
    with pytest.raises(InvalidInput) as e:
        check_targets([SlaTarget(50, 60)])
    assert e.value.field == "targets.min_priority"
    with pytest.raises(InvalidInput):
        check_targets([SlaTarget(0, 60), SlaTarget(0, 90)])
    with pytest.raises(InvalidInput) as e:
        check_targets([SlaTarget(0, 0)])
    assert e.value.field == "targets.minutes"
    assert check_targets([SlaTarget(0, 600), SlaTarget(90, 30)])[0] == SlaTarget(90, 30)
