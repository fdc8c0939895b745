"""The shared rate limiter: fixed windows in the database, keys stored hashed."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from egov.identity.models import RateLimitCounter
from egov.identity.ratelimit import rate_limit_hit, rate_limit_purge, rate_limit_window_end

START = datetime(2026, 3, 2, 8, 0, 5, tzinfo=UTC)  # 5 s into a 60-second window


@pytest.mark.django_db
def test_the_first_hits_up_to_the_limit_pass_and_later_ones_are_refused():
    with time_machine.travel(START, tick=False):
        results = [rate_limit_hit("lookup:ip:203.0.113.5", 3, 60) for _ in range(5)]

    assert results == [False, False, False, True, True]


@pytest.mark.django_db
def test_a_new_window_starts_from_zero_and_drops_the_old_row():
    with time_machine.travel(START, tick=False) as traveller:
        for _ in range(4):
            rate_limit_hit("k", 3, 60)
        traveller.shift(timedelta(seconds=55))  # 08:01:00, the next window

        assert rate_limit_hit("k", 3, 60) is False
        assert RateLimitCounter.objects.count() == 1
        assert RateLimitCounter.objects.get().count == 1


@pytest.mark.django_db
def test_keys_and_window_lengths_are_counted_apart():
    with time_machine.travel(START, tick=False):
        assert rate_limit_hit("a", 1, 60) is False
        assert rate_limit_hit("b", 1, 60) is False
        assert rate_limit_hit("a", 1, 3600) is False
        assert rate_limit_hit("a", 1, 60) is True


@pytest.mark.django_db
def test_keys_are_not_stored_in_clear():
    rate_limit_hit("sign-in:identifier:an.nguyen@example.vn", 5, 60)

    row = RateLimitCounter.objects.get()
    assert "an.nguyen" not in row.key_hash
    assert len(row.key_hash) == 64


def test_window_end_is_aligned_on_the_window_length():
    assert rate_limit_window_end(900, now=START) == datetime(2026, 3, 2, 8, 15, tzinfo=UTC)


@pytest.mark.django_db
def test_purge_deletes_finished_windows_only():
    with time_machine.travel(START, tick=False):
        rate_limit_hit("old", 1, 60)
    with time_machine.travel(START + timedelta(minutes=5), tick=False):
        rate_limit_hit("current", 1, 60)

        deleted = rate_limit_purge()

    assert deleted == 1
    assert RateLimitCounter.objects.count() == 1


def test_nonsense_limits_are_refused():
    with pytest.raises(ValueError, match="window_seconds"):
        rate_limit_hit("k", 1, 0)
