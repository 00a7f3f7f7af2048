"""The INM desk's possible-duplicates page: after a registration (or from the case page), each
person of the case beside the registered persons who may be the same, with the score, the
reasons in the officer's language and both records side by side; the officer decides.

Reading the other records goes through the cases' own use case, so each is audited as a case
read; the decision goes through the matching's use case (audited, on both timelines).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse, Response

from corredor.api.security import platform_of
from corredor.cases.schemas import PersonOut, PossibleDuplicateOut
from corredor.cases.use_cases import reading
from corredor.identity import use_cases
from corredor.identity.schemas import DECISIONS, DuplicateDecisionIn
from corredor.kernel.auth import Principal
from corredor.kernel.commands import run_command
from corredor.kernel.domain.permissions import Permission
from corredor.kernel.errors import InvalidInput, NotFound
from corredor.web.forms import command_key, text
from corredor.web.page import Page, WebSettings, checked_form
from corredor.web.session import error_page, staff_page, who_may

CaseId = Annotated[str, Path(min_length=1, max_length=36)]
P = Permission


@dataclass(frozen=True)
class Candidate:
    match: PossibleDuplicateOut
    person: PersonOut | None  # the other record, as the case holds it
    case_state: str


@dataclass(frozen=True)
class Row:
    person: PersonOut
    candidates: list[Candidate]


def add_duplicate_pages(router: APIRouter, settings: WebSettings) -> None:
    def render(
        page: Page, case_id: str, rows: list[Row], error: str | None, status: int
    ) -> Response:
        _ = page.gettext.gettext
        return page.render(
            "staff/duplicates.html",
            status_code=status,
            title=_("Possible duplicates"),
            case_id=case_id,
            rows=rows,
            error=error,
            done=page.request.query_params.get("done"),
            reason=page.gettext.gettext,
        )

    def rows_of(request: Request, who: Principal, case_id: str) -> list[Row]:
        platform = platform_of(request)
        case = reading.get_case(platform, who, case_id)
        rows = []
        for person in case.persons:
            if not isinstance(person, PersonOut):
                continue  # erased: no one to match
            candidates = []
            for match in use_cases.possible_duplicates_of(platform, who, person.id):
                other = reading.get_case(platform, who, match.case_id)
                found = [
                    p
                    for p in other.persons
                    if isinstance(p, PersonOut) and p.id == match.matches_person_id
                ]
                candidates.append(Candidate(match, found[0] if found else None, other.state))
            rows.append(Row(person, candidates))
        return rows

    @router.get("/cases/{case_id}/duplicates", response_class=HTMLResponse)
    def duplicates(
        request: Request, case_id: CaseId, who: Annotated[Principal, who_may(P.PERSON_MATCH_READ)]
    ) -> Response:
        page = staff_page(request, settings, who)
        try:
            rows = rows_of(request, who, case_id)
        except NotFound:
            return error_page(page, 404)
        return render(page, case_id, rows, None, 200)

    @router.post("/cases/{case_id}/duplicates", response_class=HTMLResponse)
    async def decide(
        request: Request,
        case_id: CaseId,
        who: Annotated[Principal, who_may(P.PERSON_MATCH_DECIDE)],
    ) -> Response:
        page = staff_page(request, settings, who)
        form = await checked_form(request)
        platform = platform_of(request)
        decision = text(form, "decision")
        try:
            rows = rows_of(request, who, case_id)
        except NotFound:
            return error_page(page, 404)
        person_id = text(form, "person_id")
        if person_id not in {row.person.id for row in rows}:
            return error_page(page, 404)
        if decision not in DECISIONS:
            return render(page, case_id, rows, "decision", 400)
        body = DuplicateDecisionIn(
            other_person_id=text(form, "other_person_id")[:36] or "-",
            decision=decision,
            note=text(form, "note")[:500] or None,
        )
        try:
            run_command(
                platform,
                who,
                command_key(form),
                use_cases.decide_duplicate(platform, who, person_id, body),
            )
        except (InvalidInput, NotFound):
            return render(page, case_id, rows, "other_person_id", 400)
        return page.redirect(f"/cases/{case_id}/duplicates?done={decision}")
