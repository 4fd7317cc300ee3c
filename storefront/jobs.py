"""Scheduled work that must run once across every worker and process: a lease per job in the database."""

from __future__ import annotations

import datetime

from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from storefront.db import Base


class JobLease(Base):
    """Who may run a scheduled job until when; taken with a conditional UPDATE."""

    __tablename__ = "job_leases"

    name: Mapped[str] = mapped_column(String(64), unique=True)
    held_until: Mapped[datetime.datetime] = mapped_column(DateTimeUTC(timezone=True))
