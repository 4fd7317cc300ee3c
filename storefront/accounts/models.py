"""Admin users and the audit log.

Neither table is :class:`storefront.db.TenantScoped`: an account must be found by email before
anyone knows its county (sign-in), a platform admin belongs to no county, and the audit log records
failed sign-ins that belong to nobody. Both are platform tables, like ``counties``; pages that list
them for a county admin filter on their ``county_id`` from the signed-in account.
"""

from __future__ import annotations

import datetime
import enum

from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import BigInteger, Boolean, CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from storefront.clock import utcnow
from storefront.db import Base


class Role(enum.StrEnum):
    PLATFORM_ADMIN = "platform_admin"
    COUNTY_ADMIN = "county_admin"


class AdminUser(Base):
    __tablename__ = "admin_users"
    __table_args__ = (
        CheckConstraint(
            "(role = 'platform_admin' AND county_id IS NULL)"
            " OR (role = 'county_admin' AND county_id IS NOT NULL)",
            name="role_county",
        ),
    )

    email: Mapped[str] = mapped_column(String(254), unique=True)
    """Lower-cased, as normalized by the forms and the command."""
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20))
    county_id: Mapped[int | None] = mapped_column(
        ForeignKey("counties.id", ondelete="CASCADE"), index=True, default=None
    )
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=True)
    totp_secret: Mapped[str | None] = mapped_column(String(64), default=None)
    totp_step: Mapped[int | None] = mapped_column(BigInteger, default=None)
    """The time step of the last two-factor code taken: a code is not taken twice."""
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)

    @property
    def is_platform_admin(self) -> bool:
        return self.role == Role.PLATFORM_ADMIN


class AuditEntry(Base):
    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_action_at", "action", "at"),)

    at: Mapped[datetime.datetime] = mapped_column(DateTimeUTC(timezone=True), default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("admin_users.id", ondelete="SET NULL"), index=True, default=None
    )
    county_id: Mapped[int | None] = mapped_column(
        ForeignKey("counties.id", ondelete="SET NULL"), index=True, default=None
    )
    action: Mapped[str] = mapped_column(String(40))
    detail: Mapped[str] = mapped_column(Text, default="")
    subject: Mapped[str] = mapped_column(String(254), default="", index=True)
    """The account the entry is about, by email (also for a failed sign-in of an unknown one)."""
    client_address: Mapped[str] = mapped_column(String(64), default="", index=True)
