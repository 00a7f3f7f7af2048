"""`/data`: the public monitoring portal, in the five languages. Each indicator is a chart drawn
on the server as SVG (no script), its one-line reading, and its data table; hidden cells read
"fewer than 10". The page is `use_cases.statistics`, the figures GET /api/v1/stats returns.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Final

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from corredor.api.security import PUBLIC, platform_of
from corredor.portal import use_cases
from corredor.portal.domain.disclosure import THRESHOLD
from corredor.portal.domain.indicators import INDICATORS, Indicator, Period
from corredor.portal.schemas import PublishedRow, PublishedTable, StepDuration
from corredor.web.i18n import MONTHS, N_
from corredor.web.page import Page, WebSettings

WIDTH: Final = 640
HEIGHT: Final = 240
LEFT, BOTTOM, TOP = 64, 40, 16
# Colours that stay apart for the common colour-vision deficiencies (Okabe and Ito).
COLOURS: Final = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000")
INDICATOR_OF: Final[dict[str, Indicator]] = {indicator.id: indicator for indicator in INDICATORS}
STEP_NAMES: Final[dict[str, str]] = {
    "registered": N_("Registered"),
    "tvrh_issued": N_("TVRH issued"),
    "parole_requested": N_("Parole applied for"),
    "parole_granted": N_("Parole granted"),
    "work_authorized": N_("Admitted"),
}
PERIOD_NAMES: Final[dict[Period, str]] = {Period.MONTH: N_("By month"), Period.WEEK: N_("By week")}
# each language in its own name, as a language menu shows it
LANGUAGE_NAMES: Final[dict[str, str]] = {
    "es": "Español",
    "en": "English",
    "fr": "Français",
    "ht": "Kreyòl ayisyen",
    "pt": "Português",
}
OTHER_LANGUAGES: Final = N_("Other languages")
ROW_HEADERS: Final[dict[str, str]] = {
    "period": N_("Period"),
    "region": N_("State"),
    "place": N_("Border point"),
    "nationality": N_("Nationality"),
    "window": N_("Allocation window"),
    "language": N_("Language"),
}


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    colour: str
    label: str  # what a pointer shows: series, row and value


@dataclass(frozen=True)
class Chart:
    bars: list[Bar]
    hidden: list[Bar]  # a mark on the axis where a cell is hidden
    ticks: list[tuple[float, str]]  # (y, label)
    labels: list[tuple[float, str]]  # (x, label) under the groups
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    bottom: int = HEIGHT - BOTTOM


@dataclass(frozen=True)
class TableView:
    id: str
    title: str
    unit: str
    reading: str
    row_header: str
    series: list[tuple[str, str]]  # (name, colour)
    rows: list[tuple[str, list[str], str]]  # (row name, cells, total)
    links: list[str | None]  # where a row's name leads (a window's published draw), if anywhere
    totals: list[str]
    total: str
    chart: Chart


def _row_name(page: Page, row: PublishedRow, rows_are: str, period: Period) -> str:
    key = row.key
    if rows_are == "region":
        return page.fmt.region(key)
    if rows_are == "place":
        point = platform_of(page.request).reference.border_point(key)
        return f"{point.name} ({page.fmt.region(point.region)})" if point else key
    if rows_are == "window":
        day = row.first_day or date.fromisoformat(key[:10])
        return page.gettext.gettext("Window of %(date)s") % {"date": page.fmt.date(day)}
    if rows_are == "language":
        return LANGUAGE_NAMES.get(key) or page.gettext.gettext(OTHER_LANGUAGES)
    if rows_are == "nationality":
        return page.fmt.country(key)
    day = date.fromisoformat(key)
    if period is Period.MONTH:
        return f"{MONTHS[page.lang][day.month - 1]} {day.year}"
    return page.gettext.gettext("Week of %(date)s") % {"date": page.fmt.date(day)}


def _short(page: Page, row: PublishedRow, rows_are: str, period: Period) -> str:
    """The label under a group of bars: a state's code, a border point's first word, a
    language's code, "nov 26", or "16 nov"."""
    key = row.key
    if rows_are == "region":
        return key.removeprefix("MX-")
    if rows_are == "place":
        point = platform_of(page.request).reference.border_point(key)
        return (point.name if point else key).split(" (")[0][:14]
    if rows_are in ("language", "nationality"):
        return key
    day = row.first_day or date.fromisoformat(key)
    if rows_are == "window":
        period = Period.WEEK  # a window is days long: its day and month
    month = MONTHS[page.lang][day.month - 1][:3]
    return f"{month} {day.year % 100:02d}" if period is Period.MONTH else f"{day.day} {month}"


def _shown(page: Page, value: int | None) -> str:
    return page.fmt.number(value) if value is not None else page.gettext.gettext("fewer than 10")


def _nice_top(value: int) -> int:
    top = max(value, THRESHOLD)
    step = int(10 ** max(len(str(top)) - 1, 0))
    return -(-top // step) * step


def _chart(table: PublishedTable, names: list[str], series: list[str]) -> Chart:
    top = _nice_top(max((v for row in table.rows for v in row.values if v is not None), default=0))
    plot_width, plot_height = WIDTH - LEFT - 8, HEIGHT - BOTTOM - TOP
    group = plot_width / max(len(table.rows), 1)
    bar = group / (len(series) + 1)
    bars, hidden, labels = [], [], []
    every = max(1, len(table.rows) // 6)  # at most about six labels under the axis
    for r, row in enumerate(table.rows):
        x0 = LEFT + r * group + bar / 2
        if r % every == 0:
            labels.append((x0 + bar * len(series) / 2, names[r]))
        for c, value in enumerate(row.values):
            colour = COLOURS[c % len(COLOURS)]
            x = x0 + c * bar
            if value is None:
                hidden.append(Bar(x, HEIGHT - BOTTOM - 3, bar, 3, colour, ""))
                continue
            height = plot_height * value / top
            bars.append(
                Bar(
                    x,
                    HEIGHT - BOTTOM - height,
                    bar,
                    height,
                    colour,
                    f"{series[c]}, {names[r]}: {value}",
                )
            )
    ticks = [(HEIGHT - BOTTOM - plot_height * k / 2, str(top * k // 2)) for k in range(3)]
    return Chart(bars=bars, hidden=hidden, ticks=ticks, labels=labels)


def _reading(page: Page, table: PublishedTable, names: list[str], series: list[str]) -> str:
    """One sentence: the latest row's total and its largest published group."""
    _ = page.gettext.gettext
    if not table.rows:
        return _("No figures yet.")
    last = table.rows[-1]
    period = {
        "period": names[-1],
        "region": _("the last 7 days"),
        "window": names[-1],
    }.get(table.rows_are, _("the periods shown"))
    if table.rows_are in ("region", "place", "nationality", "language"):
        total, values = table.total, [row.total for row in table.rows]
        groups = names
    else:
        total, values, groups = last.total, last.values, series
    published = [(v, groups[i]) for i, v in enumerate(values) if v is not None]
    if not published:
        return _(
            "In %(period)s the total is %(total)s; every group is fewer than 10 or hidden to "
            "protect small numbers."
        ) % {"period": period, "total": _shown(page, total)}
    value, group = max(published)
    return _(
        "In %(period)s the total is %(total)s; the largest group is %(group)s, with %(value)s."
    ) % {
        "period": period,
        "total": _shown(page, total),
        "group": group,
        "value": _shown(page, value),
    }


def table_view(page: Page, table: PublishedTable, period: Period) -> TableView:
    _ = page.gettext.gettext
    indicator = INDICATOR_OF[table.id]
    series = [_(s.label) for s in indicator.series]
    names = [_row_name(page, row, table.rows_are, period) for row in table.rows]
    return TableView(
        id=table.id,
        title=_(indicator.title),
        unit=_(indicator.unit),
        reading=_reading(page, table, names, series),
        row_header=_(ROW_HEADERS[table.rows_are]),
        series=[(name, COLOURS[i % len(COLOURS)]) for i, name in enumerate(series)],
        rows=[
            (names[r], [_shown(page, v) for v in row.values], _shown(page, row.total))
            for r, row in enumerate(table.rows)
        ],
        links=[f"/allocation/results/{row.draw}" if row.draw else None for row in table.rows],
        totals=[_shown(page, v) for v in table.totals],
        total=_shown(page, table.total),
        chart=_chart(
            table, [_short(page, row, table.rows_are, period) for row in table.rows], series
        ),
    )


def duration_rows(page: Page, durations: list[StepDuration]) -> list[tuple[str, str, str, str]]:
    _ = page.gettext.gettext
    return [
        (
            _("%(from)s to %(to)s")
            % {"from": _(STEP_NAMES[d.from_step]), "to": _(STEP_NAMES[d.to_step])},
            _shown(page, d.households),
            _shown(page, d.median_days) if d.households is not None else "–",
            _shown(page, d.p90_days) if d.households is not None else "–",
        )
        for d in durations
    ]


def add_portal_pages(router: APIRouter, settings: WebSettings) -> None:
    @router.get("/data", response_class=HTMLResponse, dependencies=[Depends(PUBLIC)])
    def data(request: Request) -> Response:
        page = Page(request, settings)
        chosen = request.query_params.get("period", "month")
        period = Period.WEEK if chosen == "week" else Period.MONTH
        figures = use_cases.statistics(platform_of(request), period)
        return page.render(
            "portal/data.html",
            title=page.gettext.gettext("Monitoring data"),
            period=period.value,
            periods=[(p.value, page.gettext.gettext(name)) for p, name in PERIOD_NAMES.items()],
            updated=page.fmt.datetime(figures.updated_at),
            first=page.fmt.date(figures.first_day),
            last=page.fmt.date(figures.last_day),
            threshold=THRESHOLD,
            minutes=int(use_cases.MAX_AGE.total_seconds() // 60),
            tables=[table_view(page, table, period) for table in figures.tables],
            durations=duration_rows(page, figures.durations),
        )
