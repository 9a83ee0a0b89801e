"""The backoff schedule of failed deliveries."""

from datetime import timedelta

import pytest

from coso_notifications.domain.errors import InvalidRetryPolicy
from coso_notifications.domain.retry import RetryPolicy


def test_default_policy_waits_one_two_four_eight_sixteen_seconds_over_six_attempts() -> None:
    policy = RetryPolicy()

    assert [d.total_seconds() for d in policy.delays()] == [1, 2, 4, 8, 16]
    assert not policy.gives_up_after(5)
    assert policy.gives_up_after(6)


def test_delays_grow_by_the_factor_from_the_base() -> None:
    policy = RetryPolicy(base_seconds=0.5, factor=3, max_attempts=4)

    assert policy.delays() == [timedelta(seconds=0.5), timedelta(seconds=1.5), timedelta(seconds=4.5)]


def test_delays_stop_growing_at_the_maximum_delay() -> None:
    policy = RetryPolicy(base_seconds=60, factor=10, max_attempts=5, max_delay_seconds=3600)

    assert [d.total_seconds() for d in policy.delays()] == [60, 600, 3600, 3600]


def test_a_policy_of_one_attempt_gives_up_after_the_first_failure() -> None:
    assert RetryPolicy(max_attempts=1).gives_up_after(1)
    assert RetryPolicy(max_attempts=1).delays() == []


@pytest.mark.parametrize(
    ("settings", "field"),
    [
        ({"base_seconds": 0}, "retry.base_seconds"),
        ({"factor": 0.5}, "retry.factor"),
        ({"max_attempts": 0}, "retry.max_attempts"),
        ({"max_attempts": 101}, "retry.max_attempts"),
        ({"base_seconds": 10, "max_delay_seconds": 5}, "retry.max_delay_seconds"),
    ],
)
def test_a_policy_that_cannot_retry_sensibly_is_refused_naming_its_setting(settings: dict, field: str) -> None:
    with pytest.raises(InvalidRetryPolicy) as refused:
        RetryPolicy(**settings)

    assert refused.value.field == field
    assert refused.value.rule
