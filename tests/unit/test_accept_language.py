"""The shopper's language from ``Accept-Language``: browsers' headers remembered, huge ones only read."""

from __future__ import annotations

from storefront.i18n import MAX_REMEMBERED_ACCEPT, _remembered_accepted, accepted_language


def test_a_huge_accept_language_is_answered_but_not_remembered():
    _remembered_accepted.cache_clear()
    for number in range(100):
        padding = ",".join(f"x{number}-{index};q=0.1" for index in range(6_000))
        assert accepted_language(f"fr;q=0.9,en;q=0.8,{padding}") == "en"
        assert accepted_language(f"{padding},zh;q=0.5") == "zh"
    assert _remembered_accepted.cache_info().currsize == 0


def test_a_browsers_accept_language_is_remembered():
    _remembered_accepted.cache_clear()
    header = "en-US,en;q=0.9,zh-CN;q=0.8,zh;q=0.7"
    assert len(header) <= MAX_REMEMBERED_ACCEPT
    assert accepted_language(header) == "en"
    assert accepted_language(header) == "en"
    assert _remembered_accepted.cache_info().hits == 1
