"""The INM border desk: register a household and decide the TVRH (the disclosure to CBP of what
the person consented to is sharing's page).

Registration is one form with a row per household member (a desk officer fills it in with the
family in front of them), then a check page, then the submit. Nothing personal is kept between
the pages: the check page carries the answers back in its own form, so no cookie or server draft
holds a name or a document number.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, Final

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError

from corredor.api.security import platform_of
from corredor.cases.domain.corridor import TVRH_POLICY, grounds
from corredor.cases.pages.case import clause_labels
from corredor.cases.schemas import HouseholdIn, MemberIn, PersonIn
from corredor.cases.use_cases import reference, registration, tvrh
from corredor.kernel.auth import Principal
from corredor.kernel.commands import run_command
from corredor.kernel.domain.permissions import Permission
from corredor.kernel.errors import InvalidInput
from corredor.screening.domain.facts import DOCUMENT_TYPES, RELATIONS
from corredor.screening.pages.questions import VOCABULARY
from corredor.web.forms import KEY_FIELD, choices, command_key, day_of, text
from corredor.web.i18n import N_, pick
from corredor.web.page import CSRF_FIELD, Page, WebSettings, checked_form
from corredor.web.places import country_names
from corredor.web.session import error_page, staff_page, who_may

P = Permission
ROWS: Final = 5  # household members besides the principal person, on one form
CaseId = Annotated[str, Path(min_length=1, max_length=36)]
ERRORS: Final[dict[str, str]] = {
    "border_point": N_("Choose the designated INM point"),
    "ground": N_("Choose the legal ground"),
    "name": N_("Enter the full name"),
    "birth_date": N_("Enter a real date of birth, in the past"),
    "nationality": N_("Choose the nationality"),
    "document_number": N_("Enter the document number, up to 40 characters, or leave it empty"),
    "relation": N_("Choose how this person is related"),
    "applicant": N_("No applicant account has this username"),
}
# the date field's anchor is its first box
ANCHORS: Final = {"birth_date": "birth-day"}


def _person(
    form: Mapping[str, Any], prefix: str, member: bool
) -> tuple[PersonIn | None, dict[str, str]]:
    """One person of the form, validated as the API validates it; errors by form field id."""
    raw: dict[str, Any] = {
        "name": text(form, f"{prefix}name"),
        "birth_date": day_of(form, f"{prefix}birth-"),
        "nationality": text(form, f"{prefix}nationality"),
        "document_number": text(form, f"{prefix}document_number") or None,
    }
    if member:
        raw["relation"] = text(form, f"{prefix}relation")
    try:
        return (MemberIn if member else PersonIn).model_validate(raw), {}
    except ValidationError as error:
        errors: dict[str, str] = {}
        for problem in error.errors():
            name = str(problem["loc"][0])
            errors.setdefault(prefix + ANCHORS.get(name, name), name)
        return None, errors


def _row_used(form: Mapping[str, Any], row: int) -> bool:
    prefix = f"member-{row}-"
    boxes = ("relation", "name", "birth-day", "birth-month", "birth-year", "nationality")
    return any(text(form, prefix + box) for box in boxes)


def parse_household(
    request: Request, who: Principal, form: Mapping[str, Any]
) -> tuple[HouseholdIn | None, dict[str, str]]:
    """The household from the form, or the errors (by field id, as message keys)."""
    platform = platform_of(request)
    errors: dict[str, str] = {}
    point = text(form, "border_point")
    if platform.reference.border_point(point) is None:
        errors["border_point"] = "border_point"
    ground = text(form, "ground")
    if ground not in _grounds(request):
        errors["ground"] = "ground"
    principal, found = _person(form, "", member=False)
    errors.update(found)
    members: list[MemberIn] = []
    for row in range(1, ROWS + 1):
        if _row_used(form, row):
            member, found = _person(form, f"member-{row}-", member=True)
            errors.update(found)
            if isinstance(member, MemberIn):
                members.append(member)
    applicant_id = None
    username = text(form, "applicant")
    if username:
        applicant_id = registration.applicant_account(platform, who, username)
        if applicant_id is None:
            errors["applicant"] = "applicant"
    if errors or principal is None:
        return None, errors
    documents = [d for d in choices(form, "documents") if d in DOCUMENT_TYPES]
    return (
        HouseholdIn(
            border_point_id=point,
            ground=ground,
            principal=principal,
            members=members,
            documents=documents,
            applicant_user_id=applicant_id,
        ),
        {},
    )


def _grounds(request: Request) -> dict[str, str]:
    """The TVRH policy's legal grounds in force: clause id -> clause id (labels come later)."""
    return {g: g for g in reference.grounds_in_force(platform_of(request)).grounds}


def _ground_names(page: Page) -> dict[str, str]:
    platform = platform_of(page.request)
    policy = platform.catalogue.in_effect(TVRH_POLICY, platform.today())
    if policy is None:
        return {}
    known = clause_labels(platform.catalogue, policy.id, policy.version)
    return {g: pick(known.get(g), page.lang) or g for g in sorted(grounds(policy))}


def add_desk_pages(router: APIRouter, settings: WebSettings) -> None:
    def render_form(
        page: Page, values: Mapping[str, Any], errors: dict[str, str], status_code: int = 200
    ) -> Response:
        g = page.gettext
        platform = platform_of(page.request)
        return page.render(
            "staff/register.html",
            status_code=status_code,
            title=(g.gettext("Error") + ": " if errors else "") + g.gettext("Register a household"),
            values=values,
            errors={field: g.gettext(ERRORS[key]) for field, key in errors.items()},
            points=[(p.id, p.name) for p in platform.reference.inm_border_points],
            grounds=_ground_names(page),
            countries=list(country_names(page.lang).items()),
            relations=[(r, g.gettext(VOCABULARY[r])) for r in VOCABULARY if r in RELATIONS],
            documents=[(d, g.gettext(VOCABULARY[d])) for d in VOCABULARY if d in DOCUMENT_TYPES],
            rows=range(1, ROWS + 1),
        )

    @router.get("/desk/register", response_class=HTMLResponse)
    def register_form(
        request: Request, who: Annotated[Principal, who_may(P.CASE_CREATE)]
    ) -> Response:
        return render_form(staff_page(request, settings, who), {}, {})

    @router.post("/desk/register", response_class=HTMLResponse)
    async def register_check(
        request: Request, who: Annotated[Principal, who_may(P.CASE_CREATE)]
    ) -> Response:
        page = staff_page(request, settings, who)
        form = await checked_form(request)
        if "edit" in form:
            return render_form(page, form, {})
        household, errors = parse_household(request, who, form)
        if household is None:
            return render_form(page, form, errors, status_code=400)
        g = page.gettext
        fmt = page.fmt
        people = [
            {
                "relation": g.gettext("Principal applicant"),
                "name": household.principal.name,
                "birth_date": fmt.date(household.principal.birth_date),
                "nationality": fmt.country(household.principal.nationality),
                "document_number": household.principal.document_number or "–",
            }
        ] + [
            {
                "relation": g.gettext(VOCABULARY[m.relation]),
                "name": m.name,
                "birth_date": fmt.date(m.birth_date),
                "nationality": fmt.country(m.nationality),
                "document_number": m.document_number or "–",
            }
            for m in household.members
        ]
        platform = platform_of(request)
        point = platform.reference.border_point(household.border_point_id)
        return page.render(
            "staff/register_check.html",
            title=g.gettext("Check the household before you register it"),
            people=people,
            point=point.name if point else household.border_point_id,
            ground=_ground_names(page).get(household.ground, household.ground),
            documents=[g.gettext(VOCABULARY[d]) for d in household.documents],
            applicant=text(form, "applicant"),
            carried=_carried(form),
        )

    @router.post("/desk/register/confirm", response_class=HTMLResponse)
    async def register(
        request: Request, who: Annotated[Principal, who_may(P.CASE_CREATE)]
    ) -> Response:
        page = staff_page(request, settings, who)
        form = await checked_form(request)
        household, errors = parse_household(request, who, form)
        if household is None:
            return render_form(page, form, errors, status_code=400)
        platform = platform_of(request)
        try:
            command = registration.register_household(platform, who, household)
            registered = run_command(platform, who, command_key(form), command)
        except InvalidInput as error:
            field = {"border_point_id": "border_point", "applicant_user_id": "applicant"}
            key = field.get(error.field, error.field)
            return render_form(page, form, {key: key if key in ERRORS else "name"}, 400)
        if registered.possible_duplicates:
            # someone already registered may be this person: the officer decides first
            return page.redirect(f"/cases/{registered.id}/duplicates")
        return page.redirect(f"/cases/{registered.id}?done=registered")

    @router.post("/desk/cases/{case_id}/tvrh")
    async def decide_tvrh(
        request: Request, case_id: CaseId, who: Annotated[Principal, who_may(P.TVRH_ISSUE)]
    ) -> Response:
        page = staff_page(request, settings, who)
        form = await checked_form(request)
        platform = platform_of(request)
        try:
            status = run_command(
                platform, who, command_key(form), tvrh.decide_tvrh(platform, who, case_id)
            )
        except InvalidInput:
            return error_page(page, 409)
        done = "refused" if tvrh.refused(status) else "tvrh"
        return page.redirect(f"/cases/{case_id}?done={done}")


def _carried(form: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Every answer, to carry back as hidden fields (not the CSRF token or the form key)."""
    carried: list[tuple[str, str]] = []
    for name, value in form.items():
        if name in (CSRF_FIELD, KEY_FIELD, "edit"):
            continue
        for item in value if isinstance(value, list) else [value]:
            carried.append((name, str(item)))
    return carried
