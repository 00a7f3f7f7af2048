"""The public document verifier: paste the QR code's text, or upload a photo of it.

The answer is valid or not valid, and why, in plain language; for a genuine document only its
kind, its issuer and its validity dates. The holder's name and birth date are in the document,
but this page does not repeat them: whoever checks compares the card with the person in front of
them. The check itself is `use_cases.verify_presented`, the same `Verifier`
the API and `corredor verify` use. Checks are rate-limited per client address with the API's
token bucket, because each one verifies signatures.

A photo is the costly part, so the order is: refuse a body that says it is too large before
reading it, take the rate-limit token, read at most the allowed bytes, refuse images with more
pixels than a phone photo before decoding them, shrink the rest to what a QR needs, and decode in
the kernel's small pool of worker threads so the server keeps answering everyone else meanwhile.
"""

from __future__ import annotations

import io
import math
from typing import Any, Final

import zxingcpp
from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from PIL import Image, UnidentifiedImageError
from starlette.datastructures import UploadFile

from corredor.api.security import PUBLIC, platform_of
from corredor.documents import use_cases
from corredor.documents.domain.credentials import DocumentType, Rejection, Verdict
from corredor.kernel import ratelimit, workers
from corredor.web.i18n import N_
from corredor.web.labels import AGENCIES, named
from corredor.web.page import Page, WebSettings, checked_form

CODE_FIELD: Final = "code"
IMAGE_FIELD: Final = "image"
MAX_CODE_CHARS: Final = 4_000  # a code with its photo is ~1,600 characters; a QR holds < 3,000
MAX_IMAGE_BYTES: Final = 8 * 1024 * 1024  # a phone photo; larger is refused before decoding
TOO_LARGE: Final = "too_large"
MAX_BODY_BYTES: Final = MAX_IMAGE_BYTES + 64 * 1024  # the photo, the code box and the form
# A 99 KB PNG can declare 9000 x 9000 pixels (81 MP, 400 MB decoded); a phone photo is 12 MP.
MAX_IMAGE_PIXELS: Final = 24_000_000
DECODE_SIDE: Final = 2_000  # px: a QR on a card photo reads well below this
IMAGE_FORMATS: Final = ("PNG", "JPEG", "WEBP")

DOCUMENT_NAMES: Final[dict[str, str]] = {
    DocumentType.TVRH: N_("Humanitarian visitor card (TVRH)"),
    DocumentType.TRAVEL: N_("Advance parole travel authorization"),
    DocumentType.WORK: N_("US work authorization"),
}

# Why a document is not valid, for someone at a counter who is not a specialist.
REASONS: Final[dict[Rejection, str]] = {
    Rejection.NOT_A_CREDENTIAL: N_(
        "This is not a Corredor document. The code could not be read as one, or it holds "
        "something else."
    ),
    Rejection.TRUNCATED: N_(
        "Part of the code is missing. Scan it again, or copy the whole text of the code."
    ),
    Rejection.BAD_SIGNATURE: N_(
        "The document has been changed or forged: its signature does not match what it says."
    ),
    Rejection.WRONG_KEY: N_(
        "The document was not signed by the agency it names. Treat it as forged."
    ),
    Rejection.UNKNOWN_KEY: N_(
        "The document was signed with a key no agency in Corredor has. Treat it as forged."
    ),
    Rejection.KEY_REVOKED: N_(
        "The key that signed this document was withdrawn for safety. The holder can get a new "
        "document from the agency that issued it."
    ),
    Rejection.KEY_RETIRED: N_(
        "The key that signed this document no longer vouches for dates this late. Treat it as "
        "forged."
    ),
    Rejection.NOT_YET_VALID: N_("The document is genuine but not valid yet."),
    Rejection.EXPIRED: N_("The document is genuine but has expired."),
    Rejection.REVOKED: N_("The agency that issued this document has cancelled it."),
    Rejection.STATUS_UNKNOWN: N_(
        "Corredor cannot tell whether this document was cancelled. Do not accept it for now."
    ),
    Rejection.STATUS_LIST_STALE: N_(
        "The list of cancelled documents is out of date. Try again later."
    ),
    Rejection.WRONG_DOCUMENT: N_("This kind of document does not answer this check."),
    Rejection.BAD_DISCLOSURE: N_(
        "A detail shown with the document was changed or taken from another document. Treat it "
        "as forged."
    ),
}

# Only a genuine document's own dates are shown, and only when the dates are what failed.
DATED_REASONS: Final = frozenset({Rejection.NOT_YET_VALID, Rejection.EXPIRED})

ERRORS: Final[dict[str, str]] = {
    "missing": N_("Paste the text of the QR code, or choose a photo of the QR code"),
    "both": N_("Give the text of the code or a photo of it, not both"),
    "too_long": N_("The text is too long to be a document's code"),
    "too_large": N_("The photo is too large: choose one under 8 MB"),
    "too_many_pixels": N_(
        "The photo has too many pixels: take a closer photo of the code, or send a smaller copy"
    ),
    "unreadable_image": N_("This file is not a photo we can open: choose a PNG or JPEG image"),
    "no_code": N_("We could not find a QR code in this photo. Try a sharper, closer photo"),
}


class PresentedError(ValueError):
    """What was sent cannot be checked; `field` is the form field to fix."""

    def __init__(self, field: str, key: str) -> None:
        super().__init__(key)
        self.field = field
        self.key = key


def decode_qr(data: bytes) -> str:
    """The text of the first QR code in an image (zxing-cpp, as `corredor verify` decodes).

    Blocking and CPU-bound: the page runs it in the kernel's worker pool, never on the loop."""
    try:
        with Image.open(io.BytesIO(data), formats=IMAGE_FORMATS) as image:
            if image.format == "JPEG":
                image.draft("L", (DECODE_SIDE, DECODE_SIDE))  # JPEG scales while decoding
            if image.width * image.height > MAX_IMAGE_PIXELS:
                raise PresentedError(IMAGE_FIELD, "too_many_pixels")
            image.thumbnail((DECODE_SIDE, DECODE_SIDE))
            found = [
                code
                for code in zxingcpp.read_barcodes(image)
                if code.format == zxingcpp.BarcodeFormat.QRCode
            ]
    except PresentedError:
        raise
    except (OSError, UnidentifiedImageError, Image.DecompressionBombError, ValueError):
        raise PresentedError(IMAGE_FIELD, "unreadable_image") from None
    if not found:
        raise PresentedError(IMAGE_FIELD, "no_code")
    return str(found[0].text)


async def presented_code(request: Request, fields: dict[str, Any]) -> str:
    """The code to check, from the text box or the uploaded photo (one of them)."""
    text = fields.get(CODE_FIELD)
    code = text.strip() if isinstance(text, str) else ""
    upload = (await request.form()).get(IMAGE_FIELD)
    has_image = isinstance(upload, UploadFile) and bool(upload.filename)
    if code and has_image:
        raise PresentedError(CODE_FIELD, "both")
    if has_image:
        assert isinstance(upload, UploadFile)
        data = await upload.read(MAX_IMAGE_BYTES + 1)
        if len(data) > MAX_IMAGE_BYTES:
            raise PresentedError(IMAGE_FIELD, "too_large")
        return await workers.run_blocking(decode_qr, data)
    if not code:
        raise PresentedError(CODE_FIELD, "missing")
    if len(code) > MAX_CODE_CHARS:
        raise PresentedError(CODE_FIELD, "too_long")
    return code


def declared_length(request: Request) -> int:
    """The body's size as the client declares it (0 if it does not say)."""
    try:
        return int(request.headers.get("content-length", "0"))
    except ValueError:
        return 0


def wait_before_next_check(request: Request) -> float:
    """0 if this address may check now, else the seconds to wait (the API's limiter)."""
    address = request.client.host if request.client else "unknown"
    return ratelimit.limiter_of(request).take(f"ip:{address}")


def answer_view(page: Page, verdict: Verdict) -> dict[str, Any]:
    """What the page says about the document and, for a valid one, about its holder: the name,
    birth year and photo the code discloses, for the checker to compare with the person. The
    page shows nothing the code does not already carry (any QR reader decodes it), and keeps
    nothing; a code that withholds the photo or the name is said to, so the checker asks for
    photo identification instead."""
    g = page.gettext
    credential = verdict.credential
    show_document = credential is not None and (verdict.valid or verdict.reason in DATED_REASONS)
    view: dict[str, Any] = {
        "valid": verdict.valid,
        "reason": g.gettext(REASONS[verdict.reason]) if verdict.reason is not None else None,
        "document": None,
    }
    if show_document and credential is not None:
        view["document"] = {
            "type": named(DOCUMENT_NAMES, str(credential.type), g),
            "issuer": named(AGENCIES, credential.issuer, g),
            "valid_from": page.fmt.date(credential.valid_from),
            "valid_until": page.fmt.date(credential.valid_until),
        }
    if verdict.valid and credential is not None:
        view["holder"] = {
            "name": credential.holder_name,
            "birth_year": credential.birth_year,
            "picture": credential.holder_picture,
        }
    return view


def add_verify_pages(router: APIRouter, settings: WebSettings) -> None:
    def render(
        page: Page,
        status_code: int = 200,
        errors: dict[str, str] | None = None,
        code: str = "",
        answer: dict[str, Any] | None = None,
    ) -> Response:
        _ = page.gettext.gettext
        title = _("Check a document")
        if errors:
            title = _("Error") + ": " + title
        return page.render(
            "verify.html",
            status_code=status_code,
            title=title,
            errors=errors or {},
            values={CODE_FIELD: code},
            answer=answer,
            checked_on=page.fmt.date(platform_of(page.request).today()),
        )

    @router.get("/verify", response_class=HTMLResponse, dependencies=[Depends(PUBLIC)])
    def verify_form(request: Request) -> Response:
        return render(Page(request, settings))

    @router.post("/verify", response_class=HTMLResponse, dependencies=[Depends(PUBLIC)])
    async def verify(request: Request) -> Response:
        page = Page(request, settings)
        if declared_length(request) > MAX_BODY_BYTES:  # before reading a byte of it
            # a key in a variable: an extractor reads a string literal in gettext() as a message
            message = page.gettext.gettext(ERRORS[TOO_LARGE])
            return render(page, 413, {IMAGE_FIELD: message})
        wait = wait_before_next_check(request)  # before any work, even reading the form
        if wait > 0:
            retry = 3600 if math.isinf(wait) else max(1, math.ceil(wait))
            message = page.gettext.gettext(
                "Too many checks from your connection. Wait %(seconds)s seconds and try again."
            ) % {"seconds": page.fmt.number(retry)}
            response = render(page, 429, {CODE_FIELD: message})
            response.headers["Retry-After"] = str(retry)
            return response
        fields = dict(await checked_form(request))
        typed = fields.get(CODE_FIELD)
        kept = typed[:MAX_CODE_CHARS] if isinstance(typed, str) else ""
        try:
            code = await presented_code(request, fields)
        except PresentedError as error:
            message = page.gettext.gettext(ERRORS[error.key])
            return render(page, 400, {error.field: message}, kept)
        verdict = use_cases.verify_presented(platform_of(request), code)
        return render(page, 200, code=kept, answer=answer_view(page, verdict))
