"""The INM desk's holder photos: for each person of a case, the photo taken with their consent
(a phone opens its camera, a desk computer uploads a file), shown back once kept.

The persons are read through the cases' own use case (audited as a case read); the photo is
kept and read back through the identity use cases (audited, sealed under the person's key).
The photo is served by a page route that checks the reader's permission and is never cached.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Final

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import UploadFile

from corredor.api.security import platform_of
from corredor.cases.schemas import PersonOut
from corredor.cases.use_cases import reading
from corredor.identity import use_cases
from corredor.identity.domain.portrait import (
    MAX_BYTES,
    NOT_AN_IMAGE,
    TOO_DETAILED,
    TOO_LARGE,
    TOO_SMALL,
    UNSUPPORTED_TYPE,
    PhotoRefused,
)
from corredor.kernel.auth import Principal
from corredor.kernel.domain.permissions import Permission
from corredor.kernel.errors import InvalidInput
from corredor.web.forms import text
from corredor.web.i18n import N_
from corredor.web.page import Page, WebSettings, checked_form
from corredor.web.session import error_page, staff_page, who_may

P = Permission
CaseId = Annotated[str, Path(min_length=1, max_length=36)]
Position = Annotated[int, Path(ge=0, le=99)]
PHOTO_FIELD: Final = "photo"
CONSENT_FIELD: Final = "consent"
MISSING: Final = "missing"
CONSENT: Final = "consent"
ERRORS: Final[dict[str, str]] = {
    MISSING: N_("Take the photo or choose a file"),
    CONSENT: N_("Tick the box once the person has agreed: no photo is kept without consent"),
    NOT_AN_IMAGE: N_(
        "This file is not a photo. Take the photo again or choose a JPEG, PNG or WebP file"
    ),
    UNSUPPORTED_TYPE: N_("This kind of image cannot be used. Choose a JPEG, PNG or WebP photo"),
    TOO_LARGE: N_("The photo is too large: at most 5 MB"),
    TOO_SMALL: N_("The photo is too small: at least 240 by 300 pixels"),
    TOO_DETAILED: N_(
        "No small copy of this photo fits in the card's code. "
        "Take it again against a plain background"
    ),
}


@dataclass(frozen=True)
class Row:
    position: int
    person: PersonOut | None  # None once erased
    taken_at: datetime | None


def _reason(error: InvalidInput) -> str:
    """The message key: the photo's own refusal code, which the use case keeps as the cause."""
    if error.field == CONSENT_FIELD:
        return CONSENT
    refused = error.__cause__
    return refused.reason if isinstance(refused, PhotoRefused) else NOT_AN_IMAGE


def add_photo_pages(router: APIRouter, settings: WebSettings) -> None:
    def rows_of(request: Request, who: Principal, case_id: str) -> list[Row]:
        platform = platform_of(request)
        case = reading.get_case(platform, who, case_id)
        taken = use_cases.photos_taken(platform, who, case_id)
        return [
            Row(position, person if isinstance(person, PersonOut) else None, taken.get(position))
            for position, person in enumerate(case.persons)
        ]

    def render(
        page: Page, case_id: str, rows: list[Row], errors: dict[int, str], status: int
    ) -> Response:
        _ = page.gettext.gettext
        done = page.request.query_params.get("done", "")
        return page.render(
            "staff/photos.html",
            status_code=status,
            title=(_("Error") + ": " if errors else "") + _("Holder photos"),
            case_id=case_id,
            rows=rows,
            errors={position: _(ERRORS[key]) for position, key in errors.items()},
            done=int(done) if done.isdigit() else None,
        )

    @router.get("/cases/{case_id}/photos", response_class=HTMLResponse)
    def photos(
        request: Request,
        case_id: CaseId,
        who: Annotated[Principal, who_may(P.PERSON_PHOTO_CAPTURE)],
    ) -> Response:
        page = staff_page(request, settings, who)
        return render(page, case_id, rows_of(request, who, case_id), {}, 200)

    @router.post("/cases/{case_id}/persons/{position}/photo", response_class=HTMLResponse)
    async def capture(
        request: Request,
        case_id: CaseId,
        position: Position,
        who: Annotated[Principal, who_may(P.PERSON_PHOTO_CAPTURE)],
    ) -> Response:
        page = staff_page(request, settings, who)
        form = await checked_form(request)
        upload = (await request.form()).get(PHOTO_FIELD)
        data = await upload.read(MAX_BYTES + 1) if isinstance(upload, UploadFile) else b""
        rows = rows_of(request, who, case_id)
        if position >= len(rows) or rows[position].person is None:
            return error_page(page, 404)
        if not data:
            return render(page, case_id, rows, {position: MISSING}, 400)
        try:
            use_cases.capture_photo(
                platform_of(request),
                who,
                case_id,
                position,
                data=data,
                consent=text(form, CONSENT_FIELD) == "yes",
            )
        except InvalidInput as error:
            return render(page, case_id, rows, {position: _reason(error)}, 400)
        return page.redirect(f"/cases/{case_id}/photos?done={position}#person-{position}")

    @router.get("/cases/{case_id}/persons/{position}/photo")
    def photo(
        request: Request,
        case_id: CaseId,
        position: Position,
        who: Annotated[Principal, who_may(P.PERSON_PHOTO_READ)],
    ) -> Response:
        # a case or photo this reader may not see is the page's usual 404 (the page routes
        # turn NotFound, Forbidden and an erased person's Conflict into pages)
        printed = use_cases.photo_of(platform_of(request), who, case_id, position)
        return Response(printed, media_type="image/jpeg", headers={"Cache-Control": "no-store"})
