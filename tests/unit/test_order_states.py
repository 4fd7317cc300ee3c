"""The order lifecycle is one table, and nothing changes an order's status outside it."""

from __future__ import annotations

import ast

import pytest

from storefront.config import PROJECT_ROOT
from storefront.orders.models import OrderStatus
from storefront.orders.states import TRANSITIONS, change_status, describe, sources


def test_the_table_reads_as_the_lifecycle(capsys):
    print(describe())
    table = capsys.readouterr().out
    assert "pending_payment -> paid: Stripe confirmed the payment" in table
    assert "paid -> shipped: an admin handed it to the courier" in table
    assert set(TRANSITIONS) == set(OrderStatus)  # every status has its row, final ones an empty one
    assert TRANSITIONS[OrderStatus.REFUNDED] == {}
    assert sources(OrderStatus.PENDING_PAYMENT) == frozenset()  # nothing goes back to awaiting payment


async def test_a_move_the_table_does_not_allow_is_refused_before_touching_the_database():
    with pytest.raises(ValueError, match="no move to shipped"):
        await change_status(
            None, None, OrderStatus.SHIPPED, actor="x", expected=(OrderStatus.PENDING_PAYMENT,)
        )


def _status_writes(tree: ast.AST) -> list[int]:
    """Lines that set an order's status: ``x.status = ...``, ``.values(status=...)`` or
    ``.values({"status": ...})``, or ``Order(status=...)``."""
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign | ast.AugAssign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            lines += [
                node.lineno
                for target in targets
                if isinstance(target, ast.Attribute) and target.attr == "status"
            ]
        if not isinstance(node, ast.Call):
            continue
        name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
        keywords = {keyword.arg for keyword in node.keywords}
        dict_keys = {
            key.value
            for argument in node.args
            if isinstance(argument, ast.Dict)
            for key in argument.keys
            if isinstance(key, ast.Constant)
        }
        if (name in {"values", "update"} and "status" in keywords | dict_keys) or (
            name == "Order" and "status" in keywords
        ):
            lines.append(node.lineno)
    return lines


def test_no_code_changes_a_status_outside_the_order_states_module():
    package = PROJECT_ROOT / "storefront"
    found = {
        f"{path.relative_to(PROJECT_ROOT)}:{line}"
        for path in package.rglob("*.py")
        if path != package / "orders" / "states.py"
        for line in _status_writes(ast.parse(path.read_text(encoding="utf-8")))
    }
    assert found == set()
    assert (
        _status_writes(ast.parse((package / "orders" / "states.py").read_text())) != []
    )  # the check sees it
