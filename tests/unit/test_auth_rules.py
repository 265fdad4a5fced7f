"""Sign-in throttling and password rules, boundary by boundary."""

import datetime as dt

import pytest

from portal.auth import rules

NOW = dt.datetime(2027, 1, 31, 8, 0, 0)
WINDOW = dt.timedelta(minutes=15)


def decide(account=(), address=(), max_account=5, max_address=20):
    return rules.throttle_decision(account_failures=list(account), address_failures=list(address), window=WINDOW,
                                   max_account=max_account, max_address=max_address, now=NOW)


def ago(**kwargs):
    return NOW - dt.timedelta(**kwargs)


def test_no_failures_allowed():
    decision = decide()
    assert decision.allowed and decision.reason is None


def test_one_below_the_account_limit_is_allowed():
    assert decide(account=[ago(minutes=1)] * 4).allowed


def test_at_the_account_limit_is_refused():
    decision = decide(account=[ago(minutes=1)] * 5)
    assert not decision.allowed
    assert decision.reason == rules.THROTTLE_ACCOUNT


def test_wait_runs_until_the_limit_th_newest_failure_leaves_the_window():
    failures = [ago(minutes=1), ago(minutes=2), ago(minutes=3), ago(minutes=4), ago(minutes=5), ago(minutes=10)]
    decision = decide(account=failures)
    # The 5th newest is 5 minutes old: in 10 minutes only 4 remain inside the window.
    assert decision.retry_after == dt.timedelta(minutes=10)
    assert decision.retry_minutes == 10


def test_failure_exactly_window_old_no_longer_counts():
    failures = [ago(minutes=1)] * 4 + [ago(minutes=15)]
    assert decide(account=failures).allowed


def test_failure_just_inside_window_still_counts():
    failures = [ago(minutes=1)] * 4 + [ago(minutes=14, seconds=59)]
    decision = decide(account=failures)
    assert not decision.allowed
    assert decision.retry_after == dt.timedelta(seconds=1)
    assert decision.retry_minutes == 1  # rounded up, never "0 minutes"


def test_future_failures_are_ignored():
    assert decide(account=[NOW + dt.timedelta(minutes=1)] * 5).allowed


def test_address_limit_boundaries():
    assert decide(address=[ago(minutes=2)] * 19).allowed
    decision = decide(address=[ago(minutes=2)] * 20)
    assert not decision.allowed and decision.reason == rules.THROTTLE_ADDRESS
    assert decision.retry_after == dt.timedelta(minutes=13)


def test_address_counts_independently_of_account():
    assert decide(account=[ago(minutes=1)] * 4, address=[ago(minutes=1)] * 19).allowed


def test_longest_wait_wins_when_both_limits_hit():
    decision = decide(account=[ago(minutes=12)] * 5, address=[ago(minutes=1)] * 20)
    assert decision.reason == rules.THROTTLE_ADDRESS
    assert decision.retry_after == dt.timedelta(minutes=14)


def test_minutes_round_up():
    decision = decide(account=[ago(minutes=5, seconds=30)] * 5)
    assert decision.retry_after == dt.timedelta(minutes=9, seconds=30)
    assert decision.retry_minutes == 10


@pytest.mark.parametrize("typed, key", [
    ("19860926 201505 1 001", "198609262015051001"),
    ("198609262015051001", "198609262015051001"),
    ("  Budi.Santoso ", "budi.santoso"),
    ("ADMIN", "admin"),
    ("", ""),
])
def test_normalize_login(typed, key):
    assert rules.normalize_login(typed) == key


# --- password rules


def problems(password, **kwargs):
    kwargs.setdefault("username", "budi")
    kwargs.setdefault("nip", "198609262015051001")
    return rules.password_problems(password, **kwargs)


def test_nine_characters_too_short_ten_accepted():
    assert problems("abcdefgh9") == [rules.TOO_SHORT]
    assert problems("abcdefgh90") == []


def test_empty_password():
    assert rules.TOO_SHORT in problems("")


@pytest.mark.parametrize("password", ["198609262015051001", "19860926 201505 1 001"])
def test_nip_as_password_refused(password):
    assert rules.SAME_AS_USERNAME in problems(password)
    assert rules.ONLY_DIGITS in problems(password)


@pytest.mark.parametrize("password", ["budisantoso", "BudiSantoso", " budisantoso "])
def test_username_as_password_refused_in_any_case(password):
    assert rules.SAME_AS_USERNAME in problems(password, username="budisantoso")


def test_username_inside_a_longer_password_is_allowed():
    assert problems("budisantoso-2027", username="budisantoso") == []


def test_only_digits_refused_but_one_letter_is_enough():
    assert problems("1234567890") == [rules.ONLY_DIGITS]
    assert problems("123456789a") == []


def test_same_as_current_refused():
    assert problems("kata-sandi-lama", same_as_current=True) == [rules.SAME_AS_CURRENT]


def test_no_identity_given():
    assert rules.password_problems("kata-sandi-baru") == []
