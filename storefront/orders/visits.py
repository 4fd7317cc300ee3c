"""The orders a visitor may open without looking them up again: those they placed or found."""

from __future__ import annotations

from litestar import Request

MY_ORDERS_KEY = "orders"
REMEMBERED = 20


def remember_order(request: Request, number: str) -> None:
    request.session[MY_ORDERS_KEY] = [*request.session.get(MY_ORDERS_KEY, [])[1 - REMEMBERED :], number]


def is_my_order(request: Request, number: str) -> bool:
    return number in request.session.get(MY_ORDERS_KEY, [])
