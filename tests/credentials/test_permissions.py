"""Who may do what with documents: the routes' declarations and the verifier roles."""

from __future__ import annotations

from corredor.kernel.domain.permissions import ROLE_PERMISSIONS, Permission, Role
from tests.platform.conftest import Api
from tests.platform.test_routes import PUBLIC_ROUTES, permission_routes

P = Permission


def test_document_routes_declare_their_permissions(api: Api) -> None:
    declared = {(m, p): perm for m, p, perm in permission_routes(api.client.app)}  # type: ignore[arg-type]
    expected = {
        ("GET", "/api/v1/documents/mine"): P.DOCUMENT_READ,
        ("GET", "/api/v1/cases/{case_id}/documents"): P.DOCUMENT_READ,
        ("GET", "/api/v1/documents/{document_id}"): P.DOCUMENT_READ,
        ("GET", "/api/v1/documents/{document_id}/qr"): P.DOCUMENT_READ,
        ("GET", "/api/v1/documents/{document_id}/card"): P.DOCUMENT_READ,
        ("POST", "/api/v1/documents/{document_id}/revocation"): P.DOCUMENT_REVOKE,
        ("POST", "/api/v1/verifications/travel"): P.DOCUMENT_VERIFY_TRAVEL,
        ("POST", "/api/v1/verifications/employment"): P.DOCUMENT_VERIFY_WORK,
        ("POST", "/api/v1/verifications/mexico"): P.DOCUMENT_VERIFY_TRAVEL,
    }
    assert {route: declared.get(route) for route in expected} == expected
    assert ("GET", "/api/v1/credentials/keys") in PUBLIC_ROUTES
    assert ("GET", "/api/v1/credentials/status") in PUBLIC_ROUTES
    assert ("GET", "/api/v1/credentials/status/{issuer}") in PUBLIC_ROUTES


def test_verifier_roles_can_only_check() -> None:
    assert ROLE_PERMISSIONS[Role.AIRLINE_AGENT] == {P.DOCUMENT_VERIFY_TRAVEL}
    assert ROLE_PERMISSIONS[Role.EMPLOYER] == {P.DOCUMENT_VERIFY_WORK}
    holders = {role for role, perms in ROLE_PERMISSIONS.items() if P.DOCUMENT_REVOKE in perms}
    assert holders == {Role.INM_OFFICER, Role.CBP_OFFICER}
    readers = {role for role, perms in ROLE_PERMISSIONS.items() if P.DOCUMENT_READ in perms}
    assert Role.CBP_OFFICER not in readers  # CBP sees personal data only through disclosures
    assert Role.SHELTER_STAFF not in readers
