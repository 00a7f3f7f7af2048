"""CBP: the parole review queue, the disclosed fields (and nothing else), vetting, the decision
and admission at arrival. CBP holds no permission to read a case's personal data; the review page
shows what the disclosure in force carries, read through the same audited use case as
`GET /api/v1/disclosures/{id}/data`.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Annotated, Any, Final

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError

from corredor.api.security import platform_of
from corredor.cases.domain.corridor import TravelMode
from corredor.cases.domain.workflow import CaseState
from corredor.cases.schemas import AdmissionIn, ParoleDecisionIn
from corredor.cases.use_cases import parole, reading
from corredor.kernel.auth import Principal
from corredor.kernel.commands import run_command
from corredor.kernel.domain.permissions import Permission, may
from corredor.kernel.errors import Forbidden, InvalidInput
from corredor.screening.pages.questions import VOCABULARY
from corredor.sharing import use_cases as disclosed
from corredor.sharing.schemas import DisclosedDataOut
from corredor.web import labels
from corredor.web.forms import command_key, text
from corredor.web.i18n import N_
from corredor.web.page import Page, WebSettings, checked_form
from corredor.web.session import staff_page, who_may

P = Permission
S = CaseState
CaseId = Annotated[str, Path(min_length=1, max_length=36)]
QUEUE_STATES: Final = (S.PAROLE_REQUESTED, S.VETTED_CLEAR, S.SECONDARY_REVIEW, S.PAROLE_GRANTED)
DISCLOSED_NAMES: Final[dict[str, str]] = {
    "name": N_("Name"),
    "birth_date": N_("Date of birth"),
    "nationality": N_("Nationality"),
    "document_number": N_("Document number"),
    "household": N_("Relation"),
}
RELATION_NAMES: Final[dict[str, str]] = {"self": N_("Principal applicant"), **VOCABULARY}
ERRORS: Final[dict[str, str]] = {
    "decision": N_("Choose to grant or to deny parole"),
    "travel_mode": N_("Choose how the household travels"),
    "port_id": N_("Choose a destination airport for a flight, or a land port of entry"),
    "reason": N_("Write the reason"),
    "admission_port": N_("Choose where the household was admitted"),
}


def add_cbp_pages(router: APIRouter, settings: WebSettings) -> None:
    @router.get("/cbp", response_class=HTMLResponse)
    def queue(request: Request, who: Annotated[Principal, who_may(P.DISCLOSURE_READ)]) -> Response:
        page = staff_page(request, settings, who)
        platform = platform_of(request)
        cases = reading.list_cases(platform, who, limit=200)
        waiting = [
            case
            for case in cases
            if case.state in QUEUE_STATES
            and any(d.active and d.recipient == "CBP" for d in case.disclosures)
        ]
        return page.render(
            "staff/cbp_queue.html",
            title=page.gettext.gettext("Parole review queue"),
            cases=waiting,
            state_name=lambda code: labels.named(labels.STATES, code, page.gettext),
        )

    def render_review(
        page: Page,
        case_id: str,
        values: Mapping[str, Any],
        errors: dict[str, str],
        status_code: int = 200,
    ) -> Response:
        who = page.who
        assert who is not None
        platform = platform_of(page.request)
        status = reading.get_status(platform, who, case_id)
        disclosure = next(
            (d for d in status.disclosures if d.active and d.recipient == "CBP"), None
        )
        data: DisclosedDataOut | None = None
        if disclosure is not None:
            try:
                data = disclosed.read_disclosed(platform, who, disclosure.id)
            except Forbidden:
                data = None  # ended between the two reads: show the case without data
        g = page.gettext
        ports = platform.reference.ports_of_entry
        return page.render(
            "staff/cbp_review.html",
            status_code=status_code,
            title=(g.gettext("Error") + ": " if errors else "") + g.gettext("Parole review"),
            case=status,
            state=labels.named(labels.STATES, status.state, g),
            data=data,
            people=_people(page, data),
            tvrh=_tvrh(page, data),
            can_vet=status.state == S.PAROLE_REQUESTED and may(who.role, P.VETTING_RUN),
            can_decide=status.state in (S.VETTED_CLEAR, S.SECONDARY_REVIEW)
            and may(who.role, P.PAROLE_DECIDE),
            secondary=status.state == S.SECONDARY_REVIEW,
            can_admit=status.state == S.PAROLE_GRANTED and may(who.role, P.ADMISSION_RECORD),
            vetting=page.request.query_params.get("vetting"),
            airports=[(p.id, p.name) for p in ports if p.kind == "airport"],
            land_ports=[(p.id, p.name) for p in ports if p.kind == "land"],
            modes=[(m.value, labels.named(labels.TRAVEL_MODES, m.value, g)) for m in TravelMode],
            values=values,
            errors={field: g.gettext(ERRORS[key]) for field, key in errors.items()},
        )

    @router.get("/cbp/cases/{case_id}", response_class=HTMLResponse)
    def review(
        request: Request, case_id: CaseId, who: Annotated[Principal, who_may(P.DISCLOSURE_READ)]
    ) -> Response:
        return render_review(staff_page(request, settings, who), case_id, {}, {})

    @router.post("/cbp/cases/{case_id}/vetting")
    async def vet(
        request: Request, case_id: CaseId, who: Annotated[Principal, who_may(P.VETTING_RUN)]
    ) -> Response:
        page = staff_page(request, settings, who)
        form = await checked_form(request)
        platform = platform_of(request)
        vetted = run_command(
            platform, who, command_key(form), parole.run_vetting(platform, who, case_id)
        )
        return page.redirect(f"/cbp/cases/{case_id}?vetting={vetted.outcome}")

    @router.post("/cbp/cases/{case_id}/decision", response_class=HTMLResponse)
    async def decide(
        request: Request, case_id: CaseId, who: Annotated[Principal, who_may(P.PAROLE_DECIDE)]
    ) -> Response:
        page = staff_page(request, settings, who)
        form = await checked_form(request)
        platform = platform_of(request)
        state = reading.get_status(platform, who, case_id).state
        body, errors = parse_decision(form, secondary=state == S.SECONDARY_REVIEW)
        if body is None:
            return render_review(page, case_id, form, errors, status_code=400)
        try:
            command = parole.decide_parole(platform, who, case_id, body)
            run_command(platform, who, command_key(form), command)
        except InvalidInput as error:
            key = error.field if error.field in ERRORS else "decision"
            return render_review(page, case_id, form, {key: key}, status_code=400)
        return page.redirect(f"/cases/{case_id}?done=decided")

    @router.post("/cbp/cases/{case_id}/admission", response_class=HTMLResponse)
    async def admit(
        request: Request, case_id: CaseId, who: Annotated[Principal, who_may(P.ADMISSION_RECORD)]
    ) -> Response:
        page = staff_page(request, settings, who)
        form = await checked_form(request)
        platform = platform_of(request)
        port = text(form, "admission_port")
        if platform.reference.port(port) is None:
            errors = {"admission_port": "admission_port"}
            return render_review(page, case_id, form, errors, status_code=400)
        body = AdmissionIn(port_id=port)
        command = parole.record_admission(platform, who, case_id, body)
        run_command(platform, who, command_key(form), command)
        return page.redirect(f"/cases/{case_id}?done=admitted")


def parse_decision(
    form: Mapping[str, Any], secondary: bool
) -> tuple[ParoleDecisionIn | None, dict[str, str]]:
    """The decision as the API takes it; the same rules the workflow applies, said per field."""
    decision = text(form, "decision")
    mode = text(form, "travel_mode")
    port = text(form, "flight_port") if mode == "flight" else text(form, "land_port")
    reason = text(form, "reason")
    errors: dict[str, str] = {}
    if decision not in ("grant", "deny"):
        errors["decision"] = "decision"
    if decision == "grant":
        if mode not in {m.value for m in TravelMode}:
            errors["travel_mode"] = "travel_mode"
        elif not port:
            errors["flight_port" if mode == "flight" else "land_port"] = "port_id"
    # a denial always needs a reason, and so does a grant after a possible match in vetting
    if (decision == "deny" or (decision == "grant" and secondary)) and not reason:
        errors["reason"] = "reason"
    if errors:
        return None, errors
    try:
        return (
            ParoleDecisionIn(
                decision="grant" if decision == "grant" else "deny",
                travel_mode=TravelMode(mode) if decision == "grant" else None,
                port_id=port if decision == "grant" else None,
                reason=reason or None,
            ),
            {},
        )
    except ValidationError:
        return None, {"reason": "reason"}


def _people(page: Page, data: DisclosedDataOut | None) -> list[list[tuple[str, str]]]:
    """Each disclosed person as (label, value) pairs: exactly the fields disclosed."""
    if data is None:
        return []
    g = page.gettext
    shown = []
    for person in data.persons:
        pairs = []
        for key, name in DISCLOSED_NAMES.items():
            if key not in person:
                continue
            value = str(person[key])
            if key == "nationality":
                value = page.fmt.country(value)
            elif key == "birth_date":
                value = page.fmt.date(date.fromisoformat(value))
            elif key == "household":
                value = g.gettext(RELATION_NAMES.get(value, value))
            pairs.append((g.gettext(name), value))
        shown.append(pairs)
    return shown


def _tvrh(page: Page, data: DisclosedDataOut | None) -> str | None:
    if data is None or "tvrh" not in data.case:
        return None
    card = data.case["tvrh"]
    until = page.fmt.date(date.fromisoformat(card["valid_until"]))
    return page.gettext.gettext("%(number)s, valid until %(date)s") % {
        "number": card["number"],
        "date": until,
    }
