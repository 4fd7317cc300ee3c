"""The shipping email: courier, tracking number and the order page, once an admin has shipped.

Sent after the shipping is committed, so a mail server that fails cannot undo it. Every try is
written to the order's history (sent, or not sent and why), where the admin sees it and can send
it again from the order's page.
"""

from __future__ import annotations

import logging

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from storefront.notifications.mail import Mailer
from storefront.orders.models import Order
from storefront.orders.states import record
from storefront.tenancy.models import County

logger = logging.getLogger(__name__)

SENT_NOTE = "shipping email sent to {email}"
FAILED_NOTE = "shipping email NOT sent to {email} (the mail server failed): send it again from this page"


async def send_shipping_email(
    db_session: AsyncSession, mailer: Mailer, order_id: int, county: County, actor: str
) -> bool:
    """Mail the shipped order's courier and tracking number; True when the mail server took it.

    Call it after the shipping is committed. The outcome is recorded in the order's history.
    """
    order = await db_session.scalar(
        select(Order)
        .where(Order.id == order_id)
        .options(selectinload(Order.lines))
        .execution_options(populate_existing=True)
    )
    if order is None or not order.courier or not order.tracking_number:
        return False
    message = mailer.order_shipped_message(order, county)
    await db_session.commit()  # no transaction stays open while the mail server answers
    sent = await mailer.send(message)
    if not sent:
        logger.error("the shipping email of order %s was not sent", order.number)
    record(db_session, order, actor, (SENT_NOTE if sent else FAILED_NOTE).format(email=order.email))
    await db_session.commit()
    return sent
