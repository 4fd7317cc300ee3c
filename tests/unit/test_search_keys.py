"""The names' lookup keys (storefront.catalog.search.name_keys): every token a query can hold,
whole, is a key of every name that holds it."""

from __future__ import annotations

import pytest

from storefront.catalog.search import Search, name_keys


def test_a_name_is_keyed_by_its_chinese_pairs_and_characters_and_the_beginnings_of_its_words():
    assert name_keys("东北黑蜂蜂蜜", "Black Bee Honey 2kg").split() == [
        *("东北", "北黑", "黑蜂", "蜂蜂", "蜂蜜"),
        *("东", "北", "黑", "蜂", "蜜"),
        *("b", "bl", "bla", "blac", "black", "be", "bee"),
        *("h", "ho", "hon", "hone", "honey"),
        *("2", "2k", "2kg"),
    ]


@pytest.mark.parametrize(
    "query", ["蜂蜜", "东北黑蜂", "蜜", "黑 蜜", "honey", "HON", "bee 东北", "2kg", "black bee honey"]
)
def test_every_token_of_a_query_the_names_hold_is_one_of_their_keys(query):
    keys = set(name_keys("东北黑蜂蜂蜜", "Black Bee Honey 2kg").split())
    assert {token for token, _prefix in Search.of(query).tokens} <= keys


def test_names_without_letters_have_no_keys():
    assert name_keys("——！", "") == "" and name_keys(None, None) == ""


def test_characters_no_index_keeps_separate_keys_instead_of_joining_them():
    """・ among the kana and ½ are dropped by the databases' tokenizers: a key holding one would
    leave a county's bare mark, which matches every product."""
    assert name_keys("蜂蜜・礼盒 ½") == "蜂蜜 蜂 蜜 礼盒 礼 盒"
    assert Search.of("・ ½") is None
