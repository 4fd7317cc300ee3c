"""Order emails, in the order's language: over SMTP (``SMTP_URL``), or as files in ``var/mail``."""

from __future__ import annotations

import logging
import secrets
import time
from email.message import EmailMessage
from email.utils import formataddr, make_msgid
from pathlib import Path
from urllib.parse import unquote, urlsplit

import aiosmtplib
from jinja2 import Environment
from litestar import Request

from storefront.config import Settings
from storefront.i18n import current_language
from storefront.orders.models import Order, courier_label
from storefront.tenancy.models import County

logger = logging.getLogger(__name__)
SENDER = "shop@storefront.local"


class Mailer:
    def __init__(self, settings: Settings, templates: Environment) -> None:
        self.smtp_url = settings.smtp_url
        self.mail_dir = Path(settings.mail_dir)
        self.templates = templates
        self.public_url = settings.public_url.rstrip("/")

    def order_paid_message(self, order: Order, county: County) -> EmailMessage:
        return self._order_message("order_paid", order, county)

    def order_shipped_message(self, order: Order, county: County) -> EmailMessage:
        """Courier, tracking number and the order page, in the order's language."""
        return self._order_message("order_shipped", order, county)

    def _order_message(self, template: str, order: Order, county: County) -> EmailMessage:
        """``mail/{template}.txt`` and its ``_subject.txt``, rendered in the order's language."""
        token = current_language.set(order.language)
        try:
            status_url = f"{self.public_url}/c/{county.slug}/orders/{order.number}"
            context = {
                "order": order,
                "county": county,
                "status_url": status_url,
                "courier_label": courier_label,
            }
            subject = self.templates.get_template(f"mail/{template}_subject.txt").render(context).strip()
            body = self.templates.get_template(f"mail/{template}.txt").render(context)
            sender_name = county.t("name")
        finally:
            current_language.reset(token)
        message = EmailMessage()
        message["Subject"] = subject
        message["From"] = formataddr((sender_name, SENDER))
        message["To"] = order.email
        message["Message-ID"] = make_msgid(domain="storefront.local")
        message.set_content(body)
        return message

    async def send(self, message: EmailMessage) -> bool:
        """Deliver; a failure is logged and answered False, never raised, so it cannot undo a payment."""
        try:
            if self.smtp_url:
                parts = urlsplit(self.smtp_url)
                await aiosmtplib.send(
                    message,
                    hostname=parts.hostname or "localhost",
                    port=parts.port or (465 if parts.scheme == "smtps" else 25),
                    username=unquote(parts.username) if parts.username else None,
                    password=unquote(parts.password) if parts.password else None,
                    use_tls=parts.scheme == "smtps",
                    timeout=10,
                )
            else:
                self.mail_dir.mkdir(parents=True, exist_ok=True)
                name = f"{time.time_ns()}-{secrets.token_hex(8)}.eml"  # nothing the shopper typed
                (self.mail_dir / name).write_bytes(bytes(message))
        except (aiosmtplib.SMTPException, OSError):
            logger.exception("could not send mail to %s", message["To"])
            return False
        return True


def provide_mailer(request: Request) -> Mailer:
    return request.app.state.mailer
