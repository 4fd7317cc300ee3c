"""Money: a whole number of the currency's minor unit (fen for the yuan), never a float.

Amounts are shown and written as text only here: ``format_money`` for people (pages, mails, the
Stripe sandbox's hosted page), ``decimal_string`` for machines (schema.org JSON-LD).
"""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache
from typing import TypeAlias

from babel.numbers import format_decimal

Fen: TypeAlias = int
"""An amount in fen, 1/100 yuan (for another currency, its minor unit as Stripe counts it):
``Fen(1280)`` is ¥12.80. Prices, totals, fees and refunds are all ``Fen``."""

DEFAULT_CURRENCY = "CNY"

# https://docs.stripe.com/currencies#zero-decimal: amounts in these are whole units (1280 yen).
ZERO_DECIMAL_CURRENCIES = frozenset(
    {
        "BIF",
        "CLP",
        "DJF",
        "GNF",
        "JPY",
        "KMF",
        "KRW",
        "MGA",
        "PYG",
        "RWF",
        "UGX",
        "VND",
        "VUV",
        "XAF",
        "XOF",
        "XPF",
    }
)
SYMBOLS = {"CNY": "¥", "JPY": "¥", "USD": "$", "EUR": "€", "GBP": "£", "HKD": "HK$"}
"""Symbols as a Chinese shopper reads them; other currencies are shown with their ISO code."""

_LOCALE = "zh_Hans_CN"


def _is_zero_decimal(currency: str) -> bool:
    return currency.upper() in ZERO_DECIMAL_CURRENCIES


def major_units(amount: Fen, currency: str = DEFAULT_CURRENCY) -> Decimal:
    """``major_units(1280) == Decimal("12.80")`` yuan; in a zero-decimal currency, the amount itself."""
    return Decimal(amount) if _is_zero_decimal(currency) else Decimal(amount).scaleb(-2)


def decimal_string(amount: Fen, currency: str = DEFAULT_CURRENCY) -> str:
    """The amount in yuan (or the currency's major unit) for machines: ``"12.80"``, a dot, no grouping."""
    return format(major_units(amount, currency), "f")


@lru_cache(maxsize=4096)
def format_money(amount: Fen | None, currency: str = DEFAULT_CURRENCY) -> str:
    """For people, in both languages: ``¥12.80``, ``¥1,234.50``, ``$12.80``, ``¥1,280`` (yen),
    ``12.80 CHF``; nothing for no amount. ``currency`` is an ISO code in either case."""
    if amount is None:
        return ""
    code = currency.upper()
    pattern = "#,##0" if _is_zero_decimal(code) else "#,##0.00"
    number = format_decimal(major_units(abs(amount), code), format=pattern, locale=_LOCALE)
    sign = "-" if amount < 0 else ""
    symbol = SYMBOLS.get(code)
    return f"{sign}{symbol}{number}" if symbol else f"{sign}{number} {code}"
