"""One person, one record: registering someone again, with the desk's usual errors, shows the
match with its reasons; the officer's decision is audited, on both timelines, and a person
decided to be the same gets no second TVRH while the first is valid."""

from __future__ import annotations

import csv
import random
import string
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from corredor.app import create_app
from corredor.cli.main import app as cli
from corredor.identity import register as register_module
from corredor.kernel.domain.permissions import Role
from tests.platform.conftest import Api, Databases, build_platform, checkpoint_dir, household
from tests.platform.journey import ok
from tests.web.signed_in import Visitor

INM = ("inm", Role.INM_OFFICER)


def unique_surname() -> str:
    """A surname no other test registers, so earlier cases of the shared database stay apart."""
    return "Pierre" + "".join(random.choices(string.ascii_lowercase, k=7))


def jean_baptiste(surname: str, born: date, **principal: Any) -> dict[str, Any]:
    person = {
        "name": f"Jean-Baptiste {surname}",
        "birth_date": born.isoformat(),
        "nationality": "HT",
        "document_number": "HT1234567",
    } | principal
    return household(principal=person, members=[])


def register(api: Api, body: dict[str, Any]) -> dict[str, Any]:
    return ok(api.post("/cases", *INM, body))


def test_a_second_registration_with_a_typo_shows_the_match_and_why(api: Api) -> None:
    surname = unique_surname()
    first = register(api, jean_baptiste(surname, date(1990, 3, 7), document_number=None))
    assert first["possible_duplicates"] == []
    again = register(
        api,
        jean_baptiste(
            surname[:-1],  # the last letter dropped
            date(1990, 7, 3),  # day and month swapped
            document_number=None,
            given_names="Jean Baptiste",
            first_surname=surname[:-1],
        ),
    )
    [match] = again["possible_duplicates"]
    assert match["matches_person_id"] == first["persons"][0]["id"]
    assert match["case_id"] == first["id"]
    assert match["person_id"] == again["persons"][0]["id"]
    assert match["score"] >= 0.5
    texts = [reason["text"] for reason in match["reasons"]]
    assert "birth date with day and month swapped" in texts
    assert "surname written alike" in texts or "surname sounds alike" in texts
    # the parts entered are kept; those not entered are read off the whole name
    assert again["persons"][0]["given_names"] == "Jean Baptiste"
    assert first["persons"][0]["first_surname"] == surname
    # the same answer on demand, and the look-up is audited
    looked_up = ok(api.get(f"/persons/{again['persons'][0]['id']}/possible-duplicates", *INM))
    assert [m["matches_person_id"] for m in looked_up] == [first["persons"][0]["id"]]


def test_same_person_means_no_second_card_and_the_decision_is_audited(api: Api) -> None:
    surname = unique_surname()
    born = date(1987, 11, 23)
    first = register(
        api, jean_baptiste(surname, born, document_number=f"HT{random.randrange(10**7):07d}")
    )
    ok(api.post(f"/cases/{first['id']}/tvrh", *INM))
    again = register(api, jean_baptiste(surname, born, document_number=None))
    [match] = again["possible_duplicates"]
    person = again["persons"][0]["id"]
    decided = ok(
        api.post(
            f"/persons/{person}/duplicate-decisions",
            *INM,
            {"other_person_id": match["matches_person_id"], "decision": "same", "note": "same man"},
        ),
        201,
    )
    assert decided["decision"] == "same"
    refused = api.post(f"/cases/{again['id']}/tvrh", *INM)
    assert refused.status_code == 409, refused.text
    assert first["id"] in refused.json()["detail"]
    for case_id, other in ((again["id"], first["id"]), (first["id"], again["id"])):
        timeline = ok(api.get(f"/cases/{case_id}/timeline", *INM))
        [event] = [e for e in timeline if e["name"] == "duplicate_decided"]
        assert event["data"]["decision"] == "same" and event["data"]["other_case_id"] == other
    with api.platform.db.transaction() as s:
        detail = s.execute(
            sa.text(
                "SELECT detail FROM audit_entries WHERE action = 'platform:person:match_decide' "
                "AND case_id = :case"
            ),
            {"case": again["id"]},
        ).scalar_one()
    assert "same" in str(detail) and first["id"] in str(detail)


def test_different_people_are_not_proposed_again_and_review_holds_the_card(api: Api) -> None:
    surname = unique_surname()
    born = date(1979, 1, 15)
    first = register(api, jean_baptiste(surname, born, document_number=None))
    second = register(api, jean_baptiste(surname, born, document_number=None))
    person = second["persons"][0]["id"]
    other = first["persons"][0]["id"]
    review = {"other_person_id": other, "decision": "review"}
    ok(api.post(f"/persons/{person}/duplicate-decisions", *INM, review), 201)
    held = api.post(f"/cases/{second['id']}/tvrh", *INM)
    assert held.status_code == 409 and "review" in held.json()["detail"]
    different = {"other_person_id": other, "decision": "different", "note": "father and son"}
    ok(api.post(f"/persons/{person}/duplicate-decisions", *INM, different), 201)
    assert ok(api.get(f"/persons/{person}/possible-duplicates", *INM)) == []
    ok(api.post(f"/cases/{second['id']}/tvrh", *INM))


def test_only_a_proposed_pair_can_be_decided_and_only_by_inm(api: Api) -> None:
    a = register(api, jean_baptiste(unique_surname(), date(1995, 5, 5), document_number=None))
    b = register(api, jean_baptiste(unique_surname(), date(1960, 6, 6), document_number=None))
    person, stranger = a["persons"][0]["id"], b["persons"][0]["id"]
    unrelated = api.post(
        f"/persons/{person}/duplicate-decisions",
        *INM,
        {"other_person_id": stranger, "decision": "same"},
    )
    assert unrelated.status_code == 422 and "other_person_id" in unrelated.text
    caseworker = api.get(f"/persons/{person}/possible-duplicates", "iom", Role.CASEWORKER)
    assert caseworker.status_code == 403
    missing = api.get("/persons/no-such-person/possible-duplicates", *INM)
    assert missing.status_code == 404


def test_name_parts_must_come_whole(api: Api) -> None:
    body = jean_baptiste(unique_surname(), date(1990, 1, 1), first_surname="Pierre")
    answer = api.post("/cases", *INM, body)
    assert answer.status_code == 422 and "given_names" in answer.text


def test_the_desk_page_shows_both_records_the_reasons_and_records_the_decision(api: Api) -> None:
    surname = unique_surname()
    born = date(1993, 2, 10)
    first = register(api, jean_baptiste(surname, born, document_number=None))
    second = register(api, jean_baptiste(surname + "e", born, document_number=None))
    client = TestClient(
        create_app(platform=api.platform), base_url="https://testserver", follow_redirects=False
    )
    officer = Visitor(client).sign_in(api.platform, Role.INM_OFFICER)
    url = f"/cases/{second['id']}/duplicates"
    page = officer.get(url, lang="es")
    assert page.status_code == 200, page.text
    assert "Posibles duplicados" in page.text
    assert "misma fecha de nacimiento" in page.text  # the reasons, in the officer's language
    assert f"Jean-Baptiste {surname}" in page.text  # the record already registered, beside
    assert first["id"][:8].upper() in page.text
    person = second["persons"][0]["id"]
    other = first["persons"][0]["id"]
    no_choice = officer.submit(url, url, {"person_id": person, "other_person_id": other})
    assert no_choice.status_code == 400
    done = officer.submit(
        url, url, {"person_id": person, "other_person_id": other, "decision": "different"}
    )
    assert done.status_code == 303 and done.headers["location"] == f"{url}?done=different"
    after = officer.get(url, lang="en")
    assert "No one already registered looks like this person." in after.text
    caseworker = Visitor(
        TestClient(
            create_app(platform=api.platform), base_url="https://testserver", follow_redirects=False
        )
    ).sign_in(api.platform, Role.CASEWORKER)
    assert caseworker.get(url).status_code == 403


@pytest.fixture
def fresh(databases: Databases, database_url: str) -> Iterator[tuple[str, Api]]:
    """A database of its own: the scan reads the whole register."""
    url = databases.new("sqlite" if database_url.startswith("sqlite") else "postgresql")
    platform = build_platform(url)
    with TestClient(create_app(platform=platform)) as client:
        yield url, Api(client=client, platform=platform)
    platform.db.dispose()


def test_the_batch_scan_writes_a_review_list_without_personal_data(
    fresh: tuple[str, Api], tmp_path: Path
) -> None:
    url, api = fresh
    surname = unique_surname()
    first = register(api, jean_baptiste(surname, date(1990, 3, 7), document_number="HT7777777"))
    again = register(api, jean_baptiste(surname, date(1990, 7, 3), document_number="HT7777778"))
    register(api, jean_baptiste(unique_surname(), date(1950, 1, 1), document_number=None))
    with api.platform.db.transaction() as s:  # as if registered before the matching existed
        s.execute(sa.text("DELETE FROM person_match_keys"))
    output = tmp_path / "review.csv"
    result = CliRunner().invoke(
        cli,
        ["persons", "dedupe", "--output", str(output)],
        env={
            "CORREDOR_DATABASE_URL": url,
            "CORREDOR_AUDIT_CHECKPOINT_DIR": str(checkpoint_dir(url)),
        },
    )
    assert result.exit_code == 0, result.output
    assert "1 possible duplicate pairs written" in result.output
    [row] = list(csv.DictReader(output.open(encoding="utf-8")))
    assert {row["case_id"], row["other_case_id"]} == {first["id"], again["id"]}
    assert "birth date with day and month swapped" in row["reasons"]
    text = output.read_text(encoding="utf-8")
    assert surname not in text and "HT777777" not in text and "1990" not in text
    with api.platform.db.transaction() as s:
        keys = s.execute(sa.text("SELECT count(*) FROM person_match_keys")).scalar_one()
        scans = s.execute(
            sa.text(
                "SELECT count(*) FROM audit_entries WHERE action = 'platform:person:match_scan'"
            )
        ).scalar_one()
    assert keys > 0 and scans == 1  # re-indexed, and the scan is audited


def test_a_swollen_block_is_cut_to_the_closest_candidates(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(register_module, "MAX_CANDIDATES", 3)
    surname = unique_surname()
    born = date(1984, 9, 9)
    for _ in range(5):  # the same made-up person again and again
        register(api, jean_baptiste(surname, born, document_number=None))
    again = register(api, jean_baptiste(surname, born, document_number=None))
    assert len(again["possible_duplicates"]) == 3


def test_the_reply_is_sealed_under_the_new_household_not_the_candidates_read(api: Api) -> None:
    """The matching reads other households but answers only ids and reasons: erasing someone
    it compared with leaves the new registration's stored reply readable."""
    surname = unique_surname()
    born = date(1977, 12, 1)
    first = register(api, jean_baptiste(surname, born, document_number=None))
    body = jean_baptiste(surname, born, document_number=None)
    sent = api.post("/cases", *INM, body, key="register-again-" + surname)
    assert sent.status_code in (200, 201) and sent.json()["possible_duplicates"]
    erased = api.post(
        f"/admin/persons/{first['persons'][0]['id']}/erasure",
        "admin",
        Role.ADMIN,
        {"reason": "the person asked to be forgotten"},
    )
    assert erased.status_code in (200, 201), erased.text
    replayed = api.post("/cases", *INM, body, key="register-again-" + surname)
    assert replayed.status_code == sent.status_code, replayed.text
    assert replayed.json()["id"] == sent.json()["id"]


def test_the_registers_size_for_the_prior_is_counted_again_every_few_hundred_look_ups(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(register_module, "_SIZES", {})
    monkeypatch.setattr(register_module, "RECOUNT_EVERY", 3)
    platform = api.platform
    with platform.db.transaction() as s:
        before = register_module.register_size(platform, s)
    ok(api.post("/cases", "inm", Role.INM_OFFICER, household()))  # counts once, then +2 persons
    with platform.db.transaction() as s:
        assert register_module.register_size(platform, s) == before  # the third look-up
        fresh = register_module.register_size(platform, s)  # the fourth counts again
        actual = s.scalar(sa.text("SELECT count(*) FROM persons"))
    assert fresh == actual > before
