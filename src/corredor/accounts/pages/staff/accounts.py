"""The administrator's home (Spanish and English): the accounts, creating one, disabling or
enabling one, and changing its role.

Each form calls the use case its API route calls (POST /api/v1/users, /users/{id}/disable,
/enable, /role) under the same permission, so each change is audited the same way and ends the
account's tokens where the API's does. Disabling and changing a role ask the administrator to
confirm first (a box to tick); every problem names its field.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, Final

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError

from corredor.accounts import use_cases
from corredor.accounts.schemas import RoleIn, UserIn, UserOut
from corredor.api.security import platform_of
from corredor.kernel.auth import Principal
from corredor.kernel.commands import run_command
from corredor.kernel.domain.permissions import Agency, Permission, Role, check_agency
from corredor.kernel.errors import Conflict, InvalidInput
from corredor.web import labels
from corredor.web.forms import command_key, text
from corredor.web.i18n import N_
from corredor.web.labels import AGENCIES, ROLES, named
from corredor.web.page import Page, WebSettings, checked_form
from corredor.web.session import staff_page, who_may

P = Permission
UserId = Annotated[str, Path(min_length=1, max_length=36)]
CONFIRM: Final = "confirm"
PROBLEMS: Final[dict[str, str]] = {
    "username": N_(
        "Enter a username of 3 to 80 characters: small letters, digits, dots, dashes and "
        "underscores, starting with a letter or a digit"
    ),
    "taken": N_("This username is taken: choose another"),
    "password": N_("Enter a password of at least 10 characters"),
    "role": N_("Choose a role from the list"),
    "agency": N_("Choose the agency this role works for (or none, for roles without one)"),
    "confirm": N_("Tick the box to confirm"),
    "self": N_("You cannot do this to your own account: ask another administrator"),
}
DONE: Final[dict[str, str]] = {
    "created": N_("The account was created."),
    "disabled": N_("The account was disabled. Its sessions ended at once."),
    "enabled": N_("The account was enabled. It may sign in again."),
    "role": N_("The role was changed. The account's sessions ended at once."),
}


def _choices(page: Page) -> dict[str, Any]:
    g = page.gettext
    return {
        "roles": [(role.value, named(ROLES, role.value, g)) for role in Role],
        "agencies": [(agency.value, named(AGENCIES, agency.value, g)) for agency in Agency],
        "role_name": lambda code: named(ROLES, code, g),
        "agency_name": lambda code: named(AGENCIES, code, g) if code else "",
    }


def _role_and_agency(
    page: Page, form: Mapping[str, Any], errors: dict[str, str]
) -> tuple[Role | None, Agency | None]:
    g = page.gettext
    role_code, agency_code = text(form, "role"), text(form, "agency")
    role = Role(role_code) if role_code in set(Role) else None
    agency = Agency(agency_code) if agency_code in set(Agency) else None
    if role is None:
        errors["role"] = labels.named(PROBLEMS, "role", g)
        return None, None
    try:
        if agency_code and agency is None:
            raise ValueError(agency_code)
        check_agency(role, agency)
    except ValueError:
        errors["agency"] = labels.named(PROBLEMS, "agency", g)
    return role, agency


def accounts_page(
    request: Request,
    settings: WebSettings,
    who: Principal,
    *,
    status_code: int = 200,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
) -> Response:
    page = staff_page(request, settings, who)
    g = page.gettext
    done = request.query_params.get("done", "")
    return page.render(
        "staff/accounts.html",
        status_code=status_code,
        title=(g.gettext("Error") + ": " if errors else "") + g.gettext("Accounts"),
        users=use_cases.list_users(platform_of(request), who),
        errors=errors or {},
        values=values or {},
        done=g.gettext(DONE[done]) if done in DONE else None,
        **_choices(page),
    )


def account_page(
    request: Request,
    settings: WebSettings,
    who: Principal,
    user: UserOut,
    *,
    status_code: int = 200,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
) -> Response:
    page = staff_page(request, settings, who)
    g = page.gettext
    done = request.query_params.get("done", "")
    title = g.gettext("Account %(name)s") % {"name": user.username}
    return page.render(
        "staff/account.html",
        status_code=status_code,
        title=(g.gettext("Error") + ": " if errors else "") + title,
        heading=title,
        user=user,
        errors=errors or {},
        values=values or {"role": user.role.value, "agency": user.agency or ""},
        done=g.gettext(DONE[done]) if done in DONE else None,
        yourself=user.id == who.user_id,
        **_choices(page),
    )


def add_admin_pages(router: APIRouter, settings: WebSettings) -> None:
    _add_list(router, settings)
    _add_one(router, settings)


def _add_list(router: APIRouter, settings: WebSettings) -> None:
    @router.get("/staff/accounts", response_class=HTMLResponse)
    def accounts(request: Request, who: Annotated[Principal, who_may(P.USER_LIST)]) -> Response:
        return accounts_page(request, settings, who)

    @router.post("/staff/accounts", response_class=HTMLResponse)
    async def create(
        request: Request, who: Annotated[Principal, who_may(P.USER_CREATE)]
    ) -> Response:
        page = staff_page(request, settings, who)
        g = page.gettext
        form = await checked_form(request)
        values = {name: text(form, name) for name in ("username", "role", "agency")}
        errors: dict[str, str] = {}
        try:
            UserIn.model_validate({"username": values["username"], "password": "x" * 10})
        except ValidationError as error:
            if any(e["loc"][0] == "username" for e in error.errors()):
                errors["username"] = labels.named(PROBLEMS, "username", g)
        if len(text(form, "password")) < 10:  # as UserIn bounds it
            errors["password"] = labels.named(PROBLEMS, "password", g)
        role, agency = _role_and_agency(page, form, errors)
        if errors or role is None:
            return accounts_page(
                request, settings, who, status_code=400, errors=errors, values=values
            )
        try:
            body = UserIn(
                username=values["username"],
                password=text(form, "password"),
                role=role,
                agency=agency,
            )
            run_command(
                platform_of(request), who, command_key(form), use_cases.create_user(who, body)
            )
        except ValidationError:
            errors["password"] = labels.named(PROBLEMS, "password", g)
        except InvalidInput:
            errors["agency"] = labels.named(PROBLEMS, "agency", g)
        except Conflict:
            errors["username"] = labels.named(PROBLEMS, "taken", g)
        if errors:
            return accounts_page(
                request, settings, who, status_code=400, errors=errors, values=values
            )
        return page.redirect("/staff/accounts?done=created")


def _add_one(router: APIRouter, settings: WebSettings) -> None:
    @router.get("/staff/accounts/{user_id}", response_class=HTMLResponse)
    def account(
        request: Request, user_id: UserId, who: Annotated[Principal, who_may(P.USER_LIST)]
    ) -> Response:
        return account_page(
            request, settings, who, use_cases.get_user(platform_of(request), who, user_id)
        )

    @router.post("/staff/accounts/{user_id}/active", response_class=HTMLResponse)
    async def set_active(
        request: Request, user_id: UserId, who: Annotated[Principal, who_may(P.USER_DISABLE)]
    ) -> Response:
        page = staff_page(request, settings, who)
        form = await checked_form(request)
        platform = platform_of(request)
        user = use_cases.get_user(platform, who, user_id)
        active = text(form, "active") == "1"
        errors = {}
        if text(form, CONFIRM) != "yes":
            errors[f"{CONFIRM}-active"] = labels.named(PROBLEMS, "confirm", page.gettext)
        elif user.id == who.user_id and not active:
            errors[f"{CONFIRM}-active"] = labels.named(PROBLEMS, "self", page.gettext)
        if errors:
            return account_page(request, settings, who, user, status_code=400, errors=errors)
        use_cases.set_active(platform, who, user_id, active=active)
        done = "enabled" if active else "disabled"
        return page.redirect(f"/staff/accounts/{user_id}?done={done}")

    @router.post("/staff/accounts/{user_id}/role", response_class=HTMLResponse)
    async def change_role(
        request: Request, user_id: UserId, who: Annotated[Principal, who_may(P.USER_ROLE)]
    ) -> Response:
        page = staff_page(request, settings, who)
        form = await checked_form(request)
        platform = platform_of(request)
        user = use_cases.get_user(platform, who, user_id)
        values = {"role": text(form, "role"), "agency": text(form, "agency")}
        errors: dict[str, str] = {}
        role, agency = _role_and_agency(page, form, errors)
        if text(form, CONFIRM) != "yes":
            errors[f"{CONFIRM}-role"] = labels.named(PROBLEMS, "confirm", page.gettext)
        elif user.id == who.user_id:
            errors[f"{CONFIRM}-role"] = labels.named(PROBLEMS, "self", page.gettext)
        if errors or role is None:
            return account_page(
                request, settings, who, user, status_code=400, errors=errors, values=values
            )
        use_cases.change_role(platform, who, user_id, RoleIn(role=role, agency=agency))
        return page.redirect(f"/staff/accounts/{user_id}?done=role")
