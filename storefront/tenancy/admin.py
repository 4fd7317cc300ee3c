"""Brand settings (``/admin/brand``): how the admin's county shop looks and what it tells shoppers.

One form (:class:`storefront.tenancy.admin_forms.BrandForm`) in sections. "Preview" shows the
shop's header and footer with the typed values and saves nothing (with HTMX into the preview
panel, without JavaScript as the whole page again); "Save" stores the brand, bumps the county's
content version in the same transaction (the shop, cached pages and its custom domain change on
the next request) and records it in the audit log, then redirects back. A refusal shows the form
again with a message at each wrong field and what was typed. The county is the signed-in admin's
(the guard's ``admin.county``), never one named by the URL or a form field; a platform admin who
chose no county sees a notice, and their saves and previews are 404.
"""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.exceptions import NotFoundException
from litestar.params import QueryParameter
from litestar.plugins.htmx import HTMXRequest
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_303_SEE_OTHER, HTTP_400_BAD_REQUEST

from storefront.accounts.sessions import client_address
from storefront.admin.guard import CurrentAdmin
from storefront.db import DbSession
from storefront.forms import FormData, SubmittedForm, read_form
from storefront.fragments import page_or_fragment, refusal_status
from storefront.i18n import N_
from storefront.i18n import gettext as _
from storefront.tenancy.admin_forms import BrandForm
from storefront.tenancy.hosts import CountyHosts
from storefront.tenancy.models import County
from storefront.tenancy.service import CustomDomainError, save_brand

BRAND_PATH = "/admin/brand"
LOGO_PATH = "/admin/brand/logo"
PAGE_TEMPLATE = "admin/brand.html"

# (legend, [(field, label, kind, hint)]): kind is "text", "textarea" or "colour".
SECTIONS: list[tuple[str, list[tuple[str, str, str, str]]]] = [
    (
        N_("Name, tagline and story"),
        [
            ("name_zh", N_("Name (Chinese)"), "text", ""),
            ("name_en", N_("Name (English)"), "text", ""),
            ("tagline_zh", N_("Tagline (Chinese)"), "text", ""),
            ("tagline_en", N_("Tagline (English)"), "text", ""),
            ("story_zh", N_("Story (Chinese)"), "textarea", N_("A blank line starts a new paragraph.")),
            ("story_en", N_("Story (English)"), "textarea", ""),
        ],
    ),
    (
        N_("Colours"),
        [
            ("primary_color", N_("Primary colour"), "colour", N_("Header and prices, such as #8a3b12.")),
            ("accent_color", N_("Accent colour"), "colour", N_("Buttons and highlights.")),
            (
                "text_color",
                N_("Text colour on the primary colour"),
                "colour",
                N_("Must be readable on the primary colour: a contrast of at least 4.5:1 (WCAG AA)."),
            ),
        ],
    ),
    (
        N_("Shipping"),
        [
            ("shipping_fee", N_("Shipping fee (¥)"), "decimal", N_("0 for free shipping on every order.")),
            (
                "free_shipping_threshold",
                N_("Free shipping from (¥)"),
                "decimal",
                N_("Orders of this amount or more ship free; leave empty for none."),
            ),
            ("shipping_promise_zh", N_("Shipping promise (Chinese)"), "text", ""),
            ("shipping_promise_en", N_("Shipping promise (English)"), "text", ""),
        ],
    ),
    (
        N_("Custom domain"),
        [
            (
                "custom_domain",
                N_("Domain"),
                "text",
                N_(
                    "Your county's own domain, such as shop.example.cn, pointed at the platform; "
                    "the shop answers there from the next request. Leave empty for none."
                ),
            ),
        ],
    ),
    (
        N_("Customer service"),
        [
            ("service_phone", N_("Service phone"), "tel", ""),
            ("service_wechat", N_("WeChat ID"), "text", ""),
            ("service_hours_zh", N_("Service hours (Chinese)"), "text", ""),
            ("service_hours_en", N_("Service hours (English)"), "text", ""),
            ("after_sales_zh", N_("After-sales policy (Chinese)"), "textarea", ""),
            ("after_sales_en", N_("After-sales policy (English)"), "textarea", ""),
        ],
    ),
    (
        N_("Licences and origin marks"),
        [
            ("business_licence", N_("Business licence"), "text", N_("The unified social credit code.")),
            ("food_licence", N_("Food production licence (SC number)"), "text", ""),
            ("origin_mark_zh", N_("Origin and traceability marks (Chinese)"), "text", ""),
            ("origin_mark_en", N_("Origin and traceability marks (English)"), "text", ""),
        ],
    ),
]


def _county(admin: CurrentAdmin) -> County:
    """The county the admin acts on; a platform admin who chose none has nothing to edit (404)."""
    if admin.county is None:
        raise NotFoundException
    return admin.county


async def is_platform_host(request: Request, domain: str) -> bool:
    """Whether ``domain`` is one of the platform's own host names (the base domain and anything
    under it, ``PUBLIC_URL``'s host, loopback), as host routing (:mod:`storefront.tenancy.hosts`)
    reads them from the settings; such a host can never be a county's custom domain."""
    settings = request.app.state.settings
    base = settings.base_domain.lower().strip(".")
    if domain == base or domain.endswith(f".{base}"):
        return True
    platform = CountyHosts(settings.base_domain, settings.public_url, allow_loopback=True)
    return await platform.match(domain) is not None


def _preview(county: County, form: BrandForm) -> County:
    """A county that is never added to the session: the typed brand on the stored slug, province
    and logo, for the preview templates only."""
    return County(
        **form.columns(),
        slug=county.slug,
        province_zh=county.province_zh,
        province_en=county.province_en,
        logo_path=county.logo_path,
    )


class BrandController(Controller):
    path = "/brand"

    @get("/", name="admin:brand")
    async def show(self, admin: CurrentAdmin, saved: Annotated[bool, QueryParameter()] = False) -> Template:
        if admin.county is None:
            return self._page(admin, None)
        return self._page(admin, SubmittedForm(values=BrandForm.shown(admin.county)), saved=saved)

    @post("/preview", name="admin:brand-preview")
    async def preview(self, request: HTMXRequest, admin: CurrentAdmin, data: FormData) -> Template:
        county = _county(admin)
        form = read_form(BrandForm, data)
        preview = None if form.data is None else _preview(county, form.data)
        context = _page_context(admin, form, preview=preview)
        status = 200 if preview else refusal_status(request)
        return page_or_fragment(
            request, PAGE_TEMPLATE, "admin/partials/brand_preview.html", context, status_code=status
        )

    @post("/", name="admin:brand-save")
    async def save(
        self, request: Request, admin: CurrentAdmin, db_session: DbSession, data: FormData
    ) -> Template | Redirect:
        county = _county(admin)
        form = read_form(BrandForm, data)
        if form.data is None:
            return self._page(admin, form, status=HTTP_400_BAD_REQUEST)
        domain = form.data.custom_domain
        try:
            await save_brand(
                db_session,
                county.id,
                form.data.columns(),
                actor=admin.user,
                platform_host=bool(domain) and await is_platform_host(request, domain),  # type: ignore[arg-type]
                client_address=client_address(request),
            )
        except CustomDomainError as refused:  # rolled back by the error status; the session still reads
            refused_form = SubmittedForm(values=form.values, errors={"custom_domain": _(refused.message)})
            return self._page(admin, refused_form, status=HTTP_400_BAD_REQUEST)
        await db_session.commit()  # redirects are not autocommitted
        return Redirect(f"{BRAND_PATH}?saved=true", status_code=HTTP_303_SEE_OTHER)

    @staticmethod
    def _page(
        admin: CurrentAdmin, form: SubmittedForm[Any] | None, *, saved: bool = False, status: int = 200
    ) -> Template:
        return Template(PAGE_TEMPLATE, context=_page_context(admin, form, saved=saved), status_code=status)


def _page_context(admin: CurrentAdmin, form: SubmittedForm[Any] | None, **shown: object) -> dict[str, Any]:
    """The brand page's context; ``shown``: ``saved`` (its notice) or ``preview`` (the shop restyled)."""
    return {
        "admin": admin,
        "form": form,
        "sections": SECTIONS,
        "saved": False,
        "preview": None,
        "logo_path": LOGO_PATH,
        **shown,
    }
