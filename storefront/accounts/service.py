"""Accounts: creating admins, signing in with limited attempts, two-factor codes, the audit log.

Failed sign-ins are counted from the audit log itself (every failure is recorded there anyway):
at most :data:`ACCOUNT_FAILURES` per account and :data:`ADDRESS_FAILURES` per client address in
:data:`FAILURE_WINDOW`. Counting rows in the database holds across workers and restarts; a
successful sign-in starts the account's count afresh (not the address's).
"""

from __future__ import annotations

import datetime
import enum
import hmac
from dataclasses import dataclass

import pyotp
from sqlalchemy import func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storefront.accounts.models import AdminUser, AuditEntry, Role
from storefront.accounts.passwords import hash_password, needs_rehash, password_problem, verify_password
from storefront.clock import utcnow
from storefront.tenancy.models import County

FAILURE_WINDOW = datetime.timedelta(minutes=15)
ACCOUNT_FAILURES = 5
ADDRESS_FAILURES = 10
TOTP_ISSUER = "County storefront"


class Action(enum.StrEnum):
    SIGN_IN = "sign_in"
    SIGN_IN_FAILED = "sign_in_failed"
    SIGN_IN_BLOCKED = "sign_in_blocked"
    SIGN_OUT = "sign_out"
    PASSWORD_CHANGED = "password_changed"
    TWO_FACTOR_ENABLED = "two_factor_enabled"
    ADMIN_CREATED = "admin_created"
    ADMIN_DEACTIVATED = "admin_deactivated"
    ADMIN_ACTIVATED = "admin_activated"
    PASSWORD_RESET = "password_reset"
    COUNTY_CREATED = "county_created"
    COUNTY_DEACTIVATED = "county_deactivated"
    COUNTY_ACTIVATED = "county_activated"
    COUNTY_CHOSEN = "county_chosen"
    BRAND_SAVED = "brand_saved"
    OUT_OF_REACH = "out_of_reach"
    """An admin asked for what is not theirs: another county's id (404) or a platform page (403)."""


class AccountError(ValueError):
    """Input refused when creating an account; ``message`` is an English sentence for the operator."""


class Outcome(enum.Enum):
    OK = "ok"
    WRONG = "wrong"
    LOCKED = "locked"


@dataclass(frozen=True)
class SignIn:
    outcome: Outcome
    user: AdminUser | None = None


@dataclass(frozen=True)
class CodeCheck:
    outcome: Outcome
    step: int | None = None
    """The time step of the code taken."""


def normalize_email(email: str) -> str:
    return email.strip().lower()


def new_totp_secret() -> str:
    return pyotp.random_base32()


def totp_uri(secret: str, email: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=TOTP_ISSUER)


def totp_step(secret: str, code: str, now: datetime.datetime | None = None) -> int | None:
    """The time step whose code ``code`` is (the current one, or one either side for a slow
    clock or typist), or None when it is none of them."""
    code = code.replace(" ", "")
    if not (code.isdigit() and len(code) == 6):
        return None
    totp = pyotp.TOTP(secret)
    current = totp.timecode(now or utcnow())
    for step in (current, current - 1, current + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


class AccountService:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, user_id: int) -> AdminUser | None:
        return await self.session.get(AdminUser, user_id)

    async def by_email(self, email: str) -> AdminUser | None:
        return await self.session.scalar(select(AdminUser).where(AdminUser.email == normalize_email(email)))

    async def create(
        self,
        *,
        email: str,
        password: str,
        county_slug: str | None = None,
        platform: bool = False,
        must_change_password: bool = True,
        actor: AdminUser | None = None,
        client_address: str = "",
    ) -> AdminUser:
        """A new admin: a platform admin, or an admin of the county ``county_slug``.

        Raises :class:`AccountError` for an unusable email, a weak password, an unknown county, an
        email already taken, or not exactly one of county and platform.
        """
        email = normalize_email(email)
        if bool(county_slug) == platform:
            raise AccountError("give either a county (--county SLUG) or --platform, not both or neither")
        if not email or "@" not in email.strip("@") or len(email) > 254 or any(c.isspace() for c in email):
            raise AccountError("the email address does not look right")
        if problem := password_problem(password, email):
            raise AccountError(problem[0].lower() + problem[1:].rstrip("."))
        county = None
        if county_slug:
            county = await self.session.scalar(select(County).where(County.slug == county_slug))
            if county is None:
                raise AccountError(f"no county has the slug {county_slug!r}")
        if await self.by_email(email) is not None:
            raise AccountError(f"an admin with the email {email} already exists")
        user = AdminUser(
            email=email,
            password_hash=hash_password(password),
            role=Role.PLATFORM_ADMIN if platform else Role.COUNTY_ADMIN,
            county_id=county.id if county else None,
            must_change_password=must_change_password,
        )
        self.session.add(user)
        await self.session.flush()
        await self.record(
            Action.ADMIN_CREATED,
            actor=actor,
            county_id=user.county_id,
            subject=email,
            detail=user.role,
            client_address=client_address,
        )
        return user

    async def record(
        self,
        action: Action,
        *,
        actor: AdminUser | None = None,
        county_id: int | None = None,
        subject: str = "",
        detail: str = "",
        client_address: str = "",
    ) -> None:
        self.session.add(
            AuditEntry(
                actor_id=actor.id if actor else None,
                county_id=county_id if county_id is not None else (actor.county_id if actor else None),
                action=str(action),
                subject=subject or (actor.email if actor else ""),
                detail=detail[:2000],
                client_address=client_address[:64],
            )
        )
        await self.session.flush()

    async def is_locked(self, email: str, client_address: str) -> bool:
        now = utcnow()
        window_start = now - FAILURE_WINDOW
        last_sign_in = await self.session.scalar(
            select(func.max(AuditEntry.at)).where(
                AuditEntry.action == Action.SIGN_IN,
                AuditEntry.subject == email,
                AuditEntry.at >= window_start,
            )
        )
        failures = select(func.count()).where(AuditEntry.action == Action.SIGN_IN_FAILED)
        by_account = await self.session.scalar(
            failures.where(AuditEntry.subject == email, AuditEntry.at >= (last_sign_in or window_start))
        )
        by_address = await self.session.scalar(
            failures.where(AuditEntry.client_address == client_address, AuditEntry.at >= window_start)
        )
        return (by_account or 0) >= ACCOUNT_FAILURES or (by_address or 0) >= ADDRESS_FAILURES

    async def check_password(self, email: str, password: str, client_address: str) -> SignIn:
        """The first step of signing in; every refusal is recorded, and counts towards the limits."""
        email = normalize_email(email)[:254]
        if await self.is_locked(email, client_address):
            await self.blocked(email, client_address)
            return SignIn(Outcome.LOCKED)
        user = await self.by_email(email)
        usable = user is not None and user.is_active
        if not verify_password(user.password_hash if usable else None, password):
            await self.fail(email, client_address, "password")
            return SignIn(Outcome.WRONG)
        if needs_rehash(user.password_hash):
            user.password_hash = hash_password(password)
        return SignIn(Outcome.OK, user)

    async def check_code(self, user: AdminUser, secret: str, code: str, client_address: str) -> CodeCheck:
        """The second step: a code from the authenticator app, limited like passwords. Each code
        signs in once: an account's last used time step is kept, and only a later one is taken
        (claimed with a conditional UPDATE, so two presses of one code cannot both pass)."""
        if await self.is_locked(user.email, client_address):
            await self.blocked(user.email, client_address)
            return CodeCheck(Outcome.LOCKED)
        step = totp_step(secret, code)
        if step is not None and user.totp_secret:
            claimed = await self.session.execute(
                update(AdminUser)
                .where(
                    AdminUser.id == user.id,
                    or_(AdminUser.totp_step.is_(None), AdminUser.totp_step < step),
                )
                .values(totp_step=step)
            )
            if claimed.rowcount != 1:
                await self.fail(user.email, client_address, "two-factor code used before")
                return CodeCheck(Outcome.WRONG)
        if step is None:
            await self.fail(user.email, client_address, "two-factor code")
            return CodeCheck(Outcome.WRONG)
        return CodeCheck(Outcome.OK, step)

    # Each of these is a transaction of its own, committed here: a refusal answers with an error
    # status (on which the request's session is rolled back), and must still count.

    async def fail(self, email: str, client_address: str, detail: str) -> None:
        await self.record(Action.SIGN_IN_FAILED, subject=email, detail=detail, client_address=client_address)
        await self.session.commit()

    async def blocked(self, email: str, client_address: str) -> None:
        await self.record(Action.SIGN_IN_BLOCKED, subject=email, client_address=client_address)
        await self.session.commit()

    async def signed_in(self, user: AdminUser, client_address: str) -> None:
        await self.record(Action.SIGN_IN, actor=user, client_address=client_address)
        await self.session.commit()

    async def signed_out(self, user: AdminUser, client_address: str) -> None:
        await self.record(Action.SIGN_OUT, actor=user, client_address=client_address)
        await self.session.commit()

    async def change_password(self, user: AdminUser, new_password: str, client_address: str) -> None:
        user.password_hash = hash_password(new_password)
        user.must_change_password = False
        await self.record(Action.PASSWORD_CHANGED, actor=user, client_address=client_address)
        await self.session.commit()

    async def enable_two_factor(self, user: AdminUser, secret: str, step: int, client_address: str) -> None:
        user.totp_secret = secret
        user.totp_step = step
        await self.record(Action.TWO_FACTOR_ENABLED, actor=user, client_address=client_address)
        await self.session.commit()

    async def chose_county(self, user: AdminUser, county: County | None, client_address: str) -> None:
        await self.record(
            Action.COUNTY_CHOSEN,
            actor=user,
            county_id=county.id if county else None,
            detail=county.slug if county else "",
            client_address=client_address,
        )
        await self.session.commit()

    # A platform admin's changes to other accounts (the pages under /admin/users), each recorded
    # with who did it, to whom and what; the caller commits.

    async def admins(self) -> list[tuple[AdminUser, County | None]]:
        """Every admin account, platform admins first, each with its county."""
        rows = await self.session.execute(
            select(AdminUser, County)
            .outerjoin(County, County.id == AdminUser.county_id)
            .order_by(AdminUser.role.desc(), County.slug, AdminUser.email)
        )
        return [(user, county) for user, county in rows]

    async def set_active(
        self, actor: AdminUser, user: AdminUser, active: bool, client_address: str = ""
    ) -> bool:
        """Deactivate (signed out at their next request, see the admin guard) or activate ``user``;
        False when nothing changed. Raises :class:`AccountError` for the actor's own account."""
        if user.id == actor.id and not active:
            raise AccountError("an admin cannot deactivate their own account")
        if user.is_active == active:
            return False
        user.is_active = active
        await self.record(
            Action.ADMIN_ACTIVATED if active else Action.ADMIN_DEACTIVATED,
            actor=actor,
            county_id=user.county_id,
            subject=user.email,
            detail=user.role,
            client_address=client_address,
        )
        return True

    async def reset_password(
        self, actor: AdminUser, user: AdminUser, password: str, client_address: str = ""
    ) -> None:
        """A new temporary password for ``user``, who must choose their own at the next sign-in.
        Raises :class:`AccountError` for a password the password rules refuse."""
        if problem := password_problem(password, user.email):
            raise AccountError(problem[0].lower() + problem[1:].rstrip("."))
        user.password_hash = hash_password(password)
        user.must_change_password = True
        await self.record(
            Action.PASSWORD_RESET,
            actor=actor,
            county_id=user.county_id,
            subject=user.email,
            detail="must change password",
            client_address=client_address,
        )

    async def audit_page(
        self, page: int, per_page: int
    ) -> tuple[list[tuple[AuditEntry, str | None, str | None]], int]:
        """One page of the audit log, newest first, each entry with its actor's email and its
        county's slug; and the number of entries."""
        total = await self.session.scalar(select(func.count()).select_from(AuditEntry)) or 0
        rows = await self.session.execute(
            select(AuditEntry, AdminUser.email, County.slug)
            .outerjoin(AdminUser, AdminUser.id == AuditEntry.actor_id)
            .outerjoin(County, County.id == AuditEntry.county_id)
            .order_by(AuditEntry.id.desc())
            .limit(per_page)
            .offset((page - 1) * per_page)
        )
        return [(entry, email, slug) for entry, email, slug in rows], total
