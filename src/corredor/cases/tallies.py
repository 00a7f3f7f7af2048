"""Counting, when a case takes a step, its people by nationality into the day's tallies
(`case_step_tallies`): one statement per nationality that inserts the counter or adds to it,
so concurrent steps never lose a count. Nothing here names a case or a person."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from corredor.cases.tables import Person, StepTally


def count_step(session: Session, case_id: str, state: str, day: date) -> None:
    """The case's people, by nationality, added to `state`'s tally of `day`."""
    session.flush()  # the people of a case registered in this unit of work are counted too
    found = session.execute(
        select(Person.nationality, func.count())
        .where(Person.case_id == case_id)
        .group_by(Person.nationality)
    ).all()
    insert = postgresql_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    for nationality, people in found:
        statement = insert(StepTally).values(
            day=day, state=state, nationality=nationality, people=people
        )
        session.execute(
            statement.on_conflict_do_update(
                index_elements=["day", "state", "nationality"],
                set_={"people": StepTally.people + statement.excluded.people},
            )
        )
