"""The signed-in person's own allocation requests: what "your appointment" lists.

The same scope as `allocation_store.visible_request` gives an applicant: a request is theirs when
it was registered for them (`applicant_user_id`) or by them (`registered_by`). Every request
listed here is one `read_request` and `position` also let them open.
"""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from corredor.allocation.tables import AllocationRequest
from corredor.kernel.auth import Principal
from corredor.kernel.domain.permissions import Permission
from corredor.services.allocation_schemas import RequestOut
from corredor.services.allocation_store import active_seats, request_out

MAX_LISTED = 50


def my_requests(s: Session, who: Principal, limit: int = MAX_LISTED) -> list[RequestOut]:
    """The caller's requests, newest first, each with its appointment if it holds seats."""
    who.require(Permission.ALLOCATION_READ_OWN_POSITION)
    rows = (
        s.execute(
            select(AllocationRequest)
            .where(
                or_(
                    AllocationRequest.applicant_user_id == who.user_id,
                    AllocationRequest.registered_by == who.user_id,
                )
            )
            .order_by(AllocationRequest.created_at.desc(), AllocationRequest.id)
            .limit(limit)
        )
        .scalars()
        .all()
    )
    seats = active_seats(s, [row.id for row in rows])
    return [request_out(row, seats.get(row.id, [])) for row in rows]
