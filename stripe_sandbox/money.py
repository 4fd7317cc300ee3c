"""Amounts as Stripe sends them: integers in the currency's minor unit."""

from __future__ import annotations

# https://docs.stripe.com/currencies#zero-decimal
ZERO_DECIMAL_CURRENCIES = frozenset(
    [
        "bif",
        "clp",
        "djf",
        "gnf",
        "jpy",
        "kmf",
        "krw",
        "mga",
        "pyg",
        "rwf",
        "ugx",
        "vnd",
        "vuv",
        "xaf",
        "xof",
        "xpf",
    ]
)
SYMBOLS = {"cny": "¥", "jpy": "¥", "usd": "$", "eur": "€", "gbp": "£", "hkd": "HK$"}


def format_amount(amount: int, currency: str) -> str:
    """``format_amount(1280, "cny") == "¥12.80"``; unknown symbols fall back to the ISO code."""
    currency = currency.lower()
    number = f"{amount:,}" if currency in ZERO_DECIMAL_CURRENCIES else f"{amount // 100:,}.{amount % 100:02d}"
    symbol = SYMBOLS.get(currency)
    return f"{symbol}{number}" if symbol else f"{number} {currency.upper()}"
