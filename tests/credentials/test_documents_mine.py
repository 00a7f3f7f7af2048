"""`documents_mine.my_held_documents`: the applicant's own documents (the same call as
GET /api/v1/documents/mine, so the same scope and audit), each with its standing today."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from corredor.documents import issuance
from corredor.documents.held import my_held_documents, standing
from corredor.documents.schemas import DocumentOut, Standing
from corredor.kernel.auth import Principal
from corredor.kernel.domain.permissions import Agency, Role
from corredor.kernel.tables import AuditEntry
from tests.platform.conftest import Api
from tests.platform.journey import walk


def person(api: Api, name: str, role: Role, agency: Agency | None = None) -> Principal:
    user = api.user(name, role)
    return Principal(user["id"], user["username"], role, agency)


def test_standing_puts_a_revocation_before_the_dates() -> None:
    start = date(2026, 3, 1)
    document = DocumentOut.model_validate(
        {
            "id": "d",
            "case_id": "c",
            "type": "tvrh",
            "title": "t",
            "number": "n",
            "issuer": "INM",
            "holder_name": "h",
            "holder_birth_date": date(1990, 1, 1),
            "valid_from": start,
            "valid_until": start + timedelta(days=365),
            "travel_mode": None,
            "port": None,
            "category": None,
            "key_id": "k",
            "revoked": False,
            "issued_at": "2026-03-01T00:00:00Z",
            "credential": "x",
        }
    )
    assert standing(document, start) is Standing.VALID
    assert standing(document, start - timedelta(days=1)) is Standing.NOT_YET_VALID
    assert standing(document, start + timedelta(days=366)) is Standing.EXPIRED
    revoked = document.model_copy(update={"revoked": True})
    assert standing(revoked, start) is Standing.REVOKED
    assert standing(revoked, start + timedelta(days=366)) is Standing.REVOKED


def test_an_applicant_holds_their_own_documents_with_the_revocation_reason(api: Api) -> None:
    # the `api` fixture puts `platform.today` back afterwards
    ids = walk(api, "tvrh_issued", applicant="holder-mine")
    walk(api, "tvrh_issued", applicant="someone-else-mine")
    holder = person(api, "holder-mine", Role.APPLICANT)
    with api.platform.db.transaction() as s:
        held = my_held_documents(api.platform, s, holder)
    assert {h.document.case_id for h in held} == {ids["case"]}
    assert len(held) == 3  # one card per member of the household
    assert {h.standing for h in held} == {Standing.VALID}
    assert all(h.revoked_at is None and h.revocation_reason is None for h in held)

    officer = person(api, "inm", Role.INM_OFFICER, Agency.INM)
    with api.platform.db.transaction() as s:
        issuance.revoke_document(api.platform, s, officer, held[0].document.id, "Card lost")
    api.platform.today = lambda: held[0].document.valid_until + timedelta(days=1)
    with api.platform.db.transaction() as s:
        again = my_held_documents(api.platform, s, holder)
        reads = (
            s.execute(
                select(AuditEntry).where(
                    AuditEntry.action == "platform:document:read",
                    AuditEntry.actor_id == holder.user_id,
                )
            )
            .scalars()
            .all()
        )
    # revoking one TVRH card revokes the case's TVRH cards; a revocation outweighs expiry
    assert {h.standing for h in again} == {Standing.REVOKED}
    assert {h.revocation_reason for h in again} == {"Card lost"}
    assert all(h.revoked_at is not None and h.revoked_at.tzinfo is not None for h in again)
    assert len(reads) >= 2  # each listing is audited as a read


def test_other_roles_hold_no_documents_of_their_own(api: Api) -> None:
    walk(api, "tvrh_issued")
    officer = person(api, "inm", Role.INM_OFFICER, Agency.INM)
    with api.platform.db.transaction() as s:
        assert my_held_documents(api.platform, s, officer) == []
