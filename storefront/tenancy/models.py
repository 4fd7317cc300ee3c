"""Counties (the tenants) and their brand."""

from __future__ import annotations

import datetime
import re

from sqlalchemy import Boolean, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from storefront.clock import beijing_date
from storefront.db import Base
from storefront.i18n import Localized
from storefront.money import Fen

_DISPATCH_DELAY = re.compile(r"(\d+)\s*(小时|天|日)")
"""The delay a Chinese shipping promise names: "付款后 48 小时内发货", "3 天内发货"."""


class County(Localized, Base):
    __tablename__ = "counties"

    slug: Mapped[str] = mapped_column(String(63), unique=True)
    name_zh: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(100), default="")
    province_zh: Mapped[str] = mapped_column(String(50))
    province_en: Mapped[str] = mapped_column(String(50), default="")
    tagline_zh: Mapped[str] = mapped_column(String(200), default="")
    tagline_en: Mapped[str] = mapped_column(String(200), default="")
    story_zh: Mapped[str] = mapped_column(Text, default="")
    story_en: Mapped[str] = mapped_column(Text, default="")
    logo_path: Mapped[str | None] = mapped_column(String(255), default=None)
    banner_path: Mapped[str | None] = mapped_column(String(255), default=None)
    """The wide picture at the top of the county's home (stored like a logo, every width)."""
    primary_color: Mapped[str] = mapped_column(String(7), default="#8a3b12")
    accent_color: Mapped[str] = mapped_column(String(7), default="#f2c14e")
    currency: Mapped[str] = mapped_column(String(3), default="CNY")
    custom_domain: Mapped[str | None] = mapped_column(String(253), unique=True, default=None)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    content_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    """Raised by every change to what the shop shows, so cached pages of the county are not reused."""
    shipping_fee: Mapped[Fen] = mapped_column(Integer, default=1000)
    free_shipping_threshold: Mapped[Fen | None] = mapped_column(Integer, default=None)
    text_color: Mapped[str] = mapped_column(String(7), default="#ffffff", server_default="#ffffff")
    """The colour of text set on the primary colour (header, buttons): kept readable (WCAG AA)."""
    service_phone: Mapped[str] = mapped_column(String(30), default="", server_default="")
    service_wechat: Mapped[str] = mapped_column(String(50), default="", server_default="")
    service_hours_zh: Mapped[str] = mapped_column(String(100), default="", server_default="")
    service_hours_en: Mapped[str] = mapped_column(String(100), default="", server_default="")
    shipping_promise_zh: Mapped[str] = mapped_column(String(200), default="", server_default="")
    shipping_promise_en: Mapped[str] = mapped_column(String(200), default="", server_default="")
    """When and from where orders ship, with which couriers ("48 小时内从饶河发货，顺丰")."""
    after_sales_zh: Mapped[str] = mapped_column(Text, default="", server_default="")
    after_sales_en: Mapped[str] = mapped_column(Text, default="", server_default="")
    business_licence: Mapped[str] = mapped_column(String(100), default="", server_default="")
    """The seller's business licence (unified social credit code)."""
    food_licence: Mapped[str] = mapped_column(String(100), default="", server_default="")
    """The food production licence (SC number)."""
    origin_mark_zh: Mapped[str] = mapped_column(String(200), default="", server_default="")
    origin_mark_en: Mapped[str] = mapped_column(String(200), default="", server_default="")
    """Geographical-indication or traceability marks the county holds."""

    def shipping_for(self, subtotal: Fen) -> Fen:
        """Flat shipping fee, free from the county's threshold up (amounts in fen)."""
        if self.free_shipping_threshold is not None and subtotal >= self.free_shipping_threshold:
            return 0
        return self.shipping_fee

    def ships_by(self, paid_at: datetime.datetime | None) -> datetime.date | None:
        """The Beijing day an order paid at ``paid_at`` leaves by, from the delay the Chinese
        shipping promise names (its first "N 小时" or "N 天"); None when unpaid or none is named."""
        found = _DISPATCH_DELAY.search(self.shipping_promise_zh or "")
        if paid_at is None or found is None:
            return None
        amount, unit = int(found.group(1)), found.group(2)
        delay = datetime.timedelta(hours=amount) if unit == "小时" else datetime.timedelta(days=amount)
        return beijing_date(paid_at + delay)
