"""The portal's open data: every indicator as JSON, public, versioned under /api/v1/stats.
Hidden cells are `null` (fewer than 10 people, or hidden so that a total cannot give one away).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path
from fastapi.responses import Response

from corredor.api.security import PUBLIC, platform_of
from corredor.platform import Platform
from corredor.portal import use_cases
from corredor.portal.domain.indicators import Period
from corredor.portal.schemas import Statistics

router = APIRouter(tags=["statistics"])
PlatformDep = Annotated[Platform, Depends(platform_of)]


@router.get("/stats", response_model=Statistics, dependencies=[Depends(PUBLIC)])
def statistics(platform: PlatformDep, period: Period = Period.MONTH) -> Statistics:
    """Every indicator, by month (the last 12) or by ISO week (the last 13), with the time it
    was computed. No cell counts fewer than 10: such cells, and any a total would give away,
    are null."""
    return use_cases.statistics(platform, period)


FileName = Annotated[str, Path(pattern=r"^[a-z0-9-]{1,60}\.(csv|json|parquet)$")]


@router.get(
    "/stats/files/{name}",
    response_class=Response,
    dependencies=[Depends(PUBLIC)],
    responses={200: {"content": {"text/csv": {}, "application/vnd.apache.parquet": {}}}},
)
def open_data_file(
    platform: PlatformDep, name: FileName, period: Period = Period.MONTH
) -> Response:
    """One file of the publication: a table as CSV (a header, then its HXL hashtag row), JSON
    or Parquet, or `datapackage.json`, the Frictionless descriptor of them all."""
    table_id, form = name.rsplit(".", 1)
    content, media_type = use_cases.download(platform, table_id, form, period)
    headers = {"Content-Disposition": f'attachment; filename="{name}"'}
    return Response(content, media_type=media_type, headers=headers)
