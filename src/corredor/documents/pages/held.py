"""The applicant's documents as pages: each document in plain language with its QR code, and the
printable card (PDF, PNG) and the JSON to download.

`GET /documents` is `use_cases.held_documents`: the documents GET /api/v1/documents/mine
returns, with each one's standing today; the downloads (card.pdf, card.png, qr.png,
document.json) are `use_cases.card`, `qr_code` and `json_file`, as GET /api/v1/documents/{id}/card
is. So the same permission (`document:read`), the same scope
(an applicant's own cases only; others' documents are 404) and the same audit entry (a document
read) apply. The API's routes take a bearer token; these take the session cookie.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Final

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import HTMLResponse, Response
from markupsafe import Markup, escape

from corredor.api.security import platform_of
from corredor.documents import use_cases
from corredor.documents.credentials import render, sd_jwt
from corredor.documents.domain.credentials import DocumentType
from corredor.documents.domain.vc import AUDIENCES_FOR, DISCLOSED_TO, Audience
from corredor.documents.schemas import HeldDocument, Standing
from corredor.documents.verify_pages import DOCUMENT_NAMES
from corredor.kernel.auth import Principal
from corredor.kernel.domain.permissions import Permission, Role
from corredor.platform import Platform
from corredor.web import labels
from corredor.web.i18n import N_
from corredor.web.nav import NavEntry, add_entry
from corredor.web.page import Page, WebSettings
from corredor.web.session import page_requires, signed_in_page

DocumentId = Annotated[str, Path(min_length=1, max_length=36)]
Reader = Annotated[Principal, Depends(page_requires(Permission.DOCUMENT_READ))]
QR_SCALE: Final = 4  # pixels per module: about 300 px, scannable from a phone's screen

STANDINGS: Final[dict[Standing, str]] = {
    Standing.VALID: N_("Valid"),
    Standing.NOT_YET_VALID: N_("Not valid yet"),
    Standing.EXPIRED: N_("Expired"),
    Standing.REVOKED: N_("Revoked"),
}
TAGS: Final[dict[Standing, str]] = {Standing.VALID: "eligible", Standing.NOT_YET_VALID: "unknown"}
# The reasons the workflow itself gives (cases/use_cases/); an officer's own words show as
# they were written.
REVOCATION_REASONS: Final[dict[str, str]] = {
    "TVRH expired": N_("the humanitarian visitor card expired"),
    "case withdrawn": N_("the case was withdrawn"),
    "used at admission": N_("it was used when its holder was admitted to the United States"),
}


@dataclass(frozen=True)
class DocumentView:
    id: str
    name: str
    number: str
    holder: str
    issuer: str
    valid_from: str
    valid_until: str
    standing: str
    tag: str  # the tag's colour: eligible (green), unknown (blue) or invalid (red)
    standing_text: str
    details: list[tuple[str, str]]
    qr: Markup
    code: str
    shares: list[Share]


@dataclass(frozen=True)
class Share:
    """The same document showing one kind of verifier only what its check needs."""

    audience: str
    title: str
    shows: str
    qr: Markup


SHARE_TITLES: Final[dict[str, str]] = {
    Audience.EMPLOYER.value: N_("A code for an employer"),
    Audience.AIRLINE.value: N_("A code for an airline"),
}
SHARE_SHOWS: Final[dict[str, str]] = {
    Audience.EMPLOYER.value: N_(
        "It shows your name and the dates you may work, not your photo or date of birth."
    ),
    Audience.AIRLINE.value: N_(
        "It shows your name, your photo and your travel terms, not your date of birth."
    ),
}


def qr_inline(token: str, label: str) -> Markup:
    """The QR code as inline SVG, named for screen readers; it holds the whole signed token."""
    symbol = render.qr(token)
    size = symbol.symbol_size(scale=QR_SCALE, border=4)[0]
    svg = symbol.svg_inline(
        scale=QR_SCALE, border=4, omitsize=True, svgclass=None, lineclass=None, light="#fff"
    )
    named = (
        f'<svg width="{size}" height="{size}" role="img" aria-label="{escape(label)}" '
        'style="max-width:100%;height:auto" '
    )
    return Markup(svg.replace("<svg ", named, 1))  # segno's SVG holds only the code's modules


def _standing_text(page: Page, held: HeldDocument) -> str:
    _ = page.gettext.gettext
    document = held.document
    if held.standing is Standing.REVOKED:
        raw = held.revocation_reason or ""
        reason = _(REVOCATION_REASONS[raw]) if raw in REVOCATION_REASONS else raw
        when = page.fmt.datetime(held.revoked_at) if held.revoked_at else ""
        return _("Revoked on %(date)s. Reason: %(reason)s") % {"date": when, "reason": reason}
    if held.standing is Standing.EXPIRED:
        return _("It expired on %(date)s.") % {"date": page.fmt.date(document.valid_until)}
    if held.standing is Standing.NOT_YET_VALID:
        return _("It is valid from %(date)s.") % {"date": page.fmt.date(document.valid_from)}
    return _("It is valid until %(date)s.") % {"date": page.fmt.date(document.valid_until)}


def _details(page: Page, platform: Platform, held: HeldDocument) -> list[tuple[str, str]]:
    """What a travel or work authorization adds: how and where the holder enters, the category."""
    _ = page.gettext.gettext
    document = held.document
    if document.type == DocumentType.TRAVEL:
        place = platform.reference.port(document.port or "")
        return [
            (
                _("How you travel"),
                labels.named(labels.TRAVEL_MODES, document.travel_mode, page.gettext),
            ),
            (_("Where you enter the United States"), place.name if place else document.port or ""),
        ]
    if document.type == DocumentType.WORK:
        return [(_("Category"), document.category or "")]
    return []


def _shares(page: Page, held: HeldDocument, name: str) -> list[Share]:
    """A smaller code per verifier who needs less than the whole card (SD-JWT disclosures)."""
    g = page.gettext
    document = held.document
    if held.standing is not Standing.VALID or not sd_jwt.is_selective(document.credential):
        return []
    shares = []
    for audience in AUDIENCES_FOR[DocumentType(document.type)]:
        if audience not in SHARE_TITLES:
            continue
        title = labels.named(SHARE_TITLES, audience, g)
        presented = sd_jwt.present(document.credential, DISCLOSED_TO[audience])
        label = f"{title}: {name}, {document.number}"
        shows = labels.named(SHARE_SHOWS, audience, g)
        shares.append(Share(str(audience), title, shows, qr_inline(presented, label)))
    return shares


def document_view(page: Page, platform: Platform, held: HeldDocument) -> DocumentView:
    g = page.gettext
    document = held.document
    name = labels.named(DOCUMENT_NAMES, document.type, g)
    label = g.gettext("QR code: %(document)s, number %(number)s") % {
        "document": name,
        "number": document.number,
    }
    return DocumentView(
        id=document.id,
        name=name,
        number=document.number,
        holder=document.holder_name,
        issuer=labels.named(labels.AGENCIES, document.issuer, g),
        valid_from=page.fmt.date(document.valid_from),
        valid_until=page.fmt.date(document.valid_until),
        standing=g.gettext(STANDINGS[held.standing]),
        tag=TAGS.get(held.standing, "invalid"),
        standing_text=_standing_text(page, held),
        details=_details(page, platform, held),
        qr=qr_inline(document.credential, label),
        code=document.credential,
        shares=_shares(page, held, name),
    )


def _download(page: Page, drawn: use_cases.Rendered) -> Response:
    headers = {"Content-Disposition": f'attachment; filename="{drawn.filename}"'}
    return page.finish(Response(drawn.content, media_type=drawn.media_type, headers=headers))


def add_document_pages(router: APIRouter, settings: WebSettings) -> None:
    add_entry(
        NavEntry(
            "/documents",
            N_("Your documents"),
            Permission.DOCUMENT_READ,
            frozenset({Role.APPLICANT}),
        )
    )

    @router.get("/documents", response_class=HTMLResponse)
    def my_documents(request: Request, who: Reader) -> Response:
        page = signed_in_page(request, settings, who)
        platform = platform_of(request)
        held = use_cases.held_documents(platform, who)
        return page.render(
            "account/documents.html",
            title=page.gettext.gettext("Your documents"),
            documents=[document_view(page, platform, one) for one in held],
            applicant=who.role is Role.APPLICANT,
        )

    @router.get("/documents/{document_id}/card.pdf")
    def card_pdf(request: Request, document_id: DocumentId, who: Reader) -> Response:
        page = signed_in_page(request, settings, who)
        drawn = use_cases.card(platform_of(request), who, document_id, "pdf")
        return _download(page, drawn)

    @router.get("/documents/{document_id}/card.png")
    def card_png(request: Request, document_id: DocumentId, who: Reader) -> Response:
        page = signed_in_page(request, settings, who)
        drawn = use_cases.card(platform_of(request), who, document_id, "png")
        return _download(page, drawn)

    @router.get("/documents/{document_id}/qr.png")
    def qr_png(request: Request, document_id: DocumentId, who: Reader) -> Response:
        page = signed_in_page(request, settings, who)
        drawn = use_cases.qr_code(platform_of(request), who, document_id, "png")
        return _download(page, drawn)

    @router.get("/documents/{document_id}/document.json")
    def as_json(request: Request, document_id: DocumentId, who: Reader) -> Response:
        page = signed_in_page(request, settings, who)
        drawn = use_cases.json_file(platform_of(request), who, document_id)
        return _download(page, drawn)
