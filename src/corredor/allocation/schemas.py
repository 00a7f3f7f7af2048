"""What goes in and comes out of the allocation use cases (and so the API's contract)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator

from corredor.allocation.domain.early_close import MAX_REASON, MIN_REASON, clean_reason
from corredor.allocation.domain.rule import AllocationRule
from corredor.screening.domain.facts import Profile

SiteId = Field(min_length=1, max_length=80)
MAX_DAYS = 366


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CapacityIn(_In):
    """Seats per day at a site, from `from_day` to `until` (inclusive); replaces those days."""

    site_id: str = SiteId
    from_day: date = Field(alias="from")
    until: date | None = Field(default=None, description="inclusive; omit for one day")
    seats: int = Field(ge=0, le=100_000)
    quotas: dict[str, int] = Field(
        default={}, max_length=20, description="cohort (policy phase id) -> seats reserved a day"
    )

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    @model_validator(mode="after")
    def _consistent(self) -> CapacityIn:
        last = self.until or self.from_day
        if last < self.from_day:
            raise ValueError("until: must not be before from")
        if (last - self.from_day).days >= MAX_DAYS:
            raise ValueError(f"until: at most {MAX_DAYS} days at once")
        if any(seats < 0 for seats in self.quotas.values()):
            raise ValueError("quotas: seats must not be negative")
        if sum(self.quotas.values()) > self.seats:
            raise ValueError("quotas: more seats reserved than the day has")
        return self

    @property
    def last_day(self) -> date:
        return self.until or self.from_day


class CapacityDayOut(BaseModel):
    site_id: str
    day: date
    seats: int
    quotas: dict[str, int]
    seats_taken: int


class CapacityOut(BaseModel):
    """The days a capacity change set, as they stand after it."""

    days: list[CapacityDayOut]


class ChangedBy(BaseModel):
    """Who set a day's capacity in force, and when (for the staff pages)."""

    username: str
    role: str
    at: datetime


class WindowIn(_In):
    site_ids: list[str] = Field(min_length=1, max_length=20)
    first_day: date = Field(description="first appointment day the window's run fills")
    last_day: date
    # Aware only: a time without its zone means a different instant at each agency.
    closes_at: AwareDatetime = Field(
        description="when registration ends, with its time zone (the run may close it early)"
    )
    opens_at: AwareDatetime | None = Field(default=None, description="default: now")
    policy_id: str | None = Field(
        default=None, max_length=80, description="staged pathway whose open phases set the cohorts"
    )
    seed_commitment: str | None = Field(
        default=None,
        pattern=r"^[0-9a-f]{64}$",
        description="SHA-256 of a seed you keep; omit and the platform draws and keeps one",
    )
    rule: AllocationRule = AllocationRule()

    @model_validator(mode="after")
    def _days(self) -> WindowIn:
        if self.last_day < self.first_day:
            raise ValueError("last_day: must not be before first_day")
        if (self.last_day - self.first_day).days >= MAX_DAYS:
            raise ValueError(f"last_day: a window fills at most {MAX_DAYS} days")
        if len(set(self.site_ids)) != len(self.site_ids):
            raise ValueError("site_ids: a site is listed twice")
        return self


class WindowOut(BaseModel):
    """Public: what anyone may check, including the commitment published before opening."""

    id: str
    state: str
    site_ids: list[str]
    first_day: date
    last_day: date
    opens_at: datetime
    closes_at: datetime
    policy_id: str | None
    rule: AllocationRule
    seed_commitment: str
    seed: str | None = Field(description="hex, once revealed after the run")
    run_id: str | None


class RunIn(_In):
    seed: str | None = Field(
        default=None,
        pattern=r"^[0-9a-fA-F]{64}$",
        description="the seed behind a commitment given at opening (not needed otherwise)",
    )


class RunOut(BaseModel):
    run_id: str
    window: WindowOut


class EarlyCloseIn(_In):
    reason: str = Field(
        min_length=MIN_REASON,
        max_length=MAX_REASON,
        description="why the window closes before its published close; published with the "
        "results, so it names no one",
    )

    @model_validator(mode="after")
    def _reason(self) -> EarlyCloseIn:
        cleaned = clean_reason(self.reason)
        if cleaned is None:
            raise ValueError(f"reason: {MIN_REASON} to {MAX_REASON} characters, not only spaces")
        self.reason = cleaned
        return self


class EarlyCloseOut(BaseModel):
    """Published with the run: a window closed before its published close, and who decided."""

    window_id: str
    reason: str
    requested_by: str = Field(description="the officer who asked (username)")
    requested_at: datetime
    confirmed_by: str | None = Field(description="the other officer who confirmed (username)")
    confirmed_at: datetime | None
    published_close: datetime = Field(description="the close announced when the window opened")
    closed_at: datetime | None = Field(description="when the run really closed it")


class RequestIn(_In):
    """A request names persons of one case by their platform ids: an applicant only their own
    household, a caseworker only a case assigned to them with the person's consent recorded."""

    window_id: str = Field(min_length=1, max_length=36)
    site_id: str = SiteId
    case_id: str = Field(min_length=1, max_length=36, description="the household's case")
    people: list[str] = Field(
        min_length=1,
        max_length=20,
        description="the persons of that case who ask (their ids, as the case lists them); "
        "stored only as a keyed hash",
    )
    facts: Profile | None = Field(
        default=None, description="household facts deciding the cohort; not stored"
    )
    urgent: bool = Field(default=False, description="a medical or protection need (caseworkers)")
    applicant_user_id: str | None = Field(
        default=None, max_length=36, description="if given, the case's own applicant account"
    )

    @model_validator(mode="after")
    def _people(self) -> RequestIn:
        if any(not ref.strip() or len(ref) > 36 for ref in self.people):
            raise ValueError("people: each is a person id of 1 to 36 characters")
        if len(set(self.people)) != len(self.people):
            raise ValueError("people: a person is listed twice")
        return self


class AppointmentOut(BaseModel):
    site_id: str
    day: date
    pool: str
    seats: list[int]


class RequestOut(BaseModel):
    id: str
    window_id: str
    site_id: str
    size: int
    cohort: str | None
    urgent: bool
    waiting_since: date
    status: str
    allowed_actions: list[str]
    appointment: AppointmentOut | None


class PositionOut(BaseModel):
    """ "Your tier, your draw number": what a person may see about their own request."""

    request_id: str
    status: str
    tier: str | None
    tier_label: dict[str, str] | None
    tickets: int | None
    draw_number: int | None
    draw_key: str | None = Field(description="hex; check it against the revealed seed")
    waitlist_position: int | None
    appointment: AppointmentOut | None
    seed_commitment: str
    seed: str | None


class RescheduleIn(_In):
    day: date


class BookingOut(BaseModel):
    request: RequestOut
    promoted: int = Field(description="requests given the seats this change freed")


class TierCountOut(BaseModel):
    site_id: str
    tier: str
    requests: int
    people: int
    assigned_requests: int
    assigned_people: int
    waitlisted_requests: int


class RunResultsOut(BaseModel):
    """Published: counts per site and tier; no names, no ids of requests."""

    run_id: str
    window_id: str
    run_date: date
    rule: dict[str, Any]
    policy: str | None
    cohorts_open: list[str] | None
    seed_commitment: str
    seed: str | None
    requests_sha256: str
    results_sha256: str
    assigned_requests: int
    counts: list[TierCountOut]
    set_aside: dict[str, int]
    now: dict[str, int] = Field(description="requests per status today, after changes")
    early_close: EarlyCloseOut | None = Field(
        default=None, description="set when the window closed before its published close"
    )


class PublishedRun(BaseModel):
    """One line of the published list of runs: when, where, how many seated, seed revealed."""

    run_id: str
    run_date: date
    site_ids: tuple[str, ...]
    requests: int
    assigned_requests: int
    seed_revealed: bool


class VerificationReport(BaseModel):
    run_id: str
    match: bool
    problems: list[str]
    assigned_requests: int
    results_sha256: str
    early_close: EarlyCloseOut | None = None


# ---- what a page shows, read in one snapshot ----


class MyRequests(BaseModel):
    """The applicant's requests, and the windows they may ask in now."""

    requests: list[RequestOut]
    has_active: bool = Field(description="one of them is still active (a person has one)")
    may_ask: bool
    windows_taking_requests: list[WindowOut]


class RequestStanding(BaseModel):
    """One request with its place in the draw (audited), its window, the run's published
    counts, and the moves the caller may make on its booking."""

    request: RequestOut
    position: PositionOut
    window: WindowOut
    results: RunResultsOut | None
    actions: list[str]


class BookingOptions(BaseModel):
    """What the caller may do with a booking: its moves, and the days it may move to."""

    request: RequestOut
    actions: list[str]
    free_days: list[date]


class HouseholdPerson(BaseModel):
    id: str
    name: str  # decrypted for the person (or their caseworker) only; never stored in clear
    relation: str


class HouseholdChoice(BaseModel):
    """A case whose persons the caller may name in a request, with their names."""

    case_id: str
    people: list[HouseholdPerson]


class RequestForm(BaseModel):
    """What asking for a place needs to know: the windows, which of them take requests now,
    which ask for the household (their draw serves a staged pathway's groups), and whether the
    caller may record an urgent need."""

    windows: list[WindowOut]
    taking_requests: list[WindowOut]
    household_windows: list[str]
    records_urgency: bool


class SiteCapacity(BaseModel):
    site_id: str
    name: str
    days: list[CapacityDayOut]
    changed_by: dict[date, ChangedBy]


class CapacityBoard(BaseModel):
    """An officer's sites, with each day's capacity and who set it."""

    sites: list[tuple[str, str]]  # (id, name) of the sites the officer's agency runs
    capacity: list[SiteCapacity]


class WindowLine(BaseModel):
    window: WindowOut
    requests: int
    early_close: EarlyCloseOut | None = None


class WindowBoard(BaseModel):
    """An officer's sites and the current windows at them, with their requests counted."""

    sites: list[tuple[str, str]]
    windows: list[WindowLine]


class RunReport(BaseModel):
    """A run for the staff: its published results, its window, and the re-run check."""

    results: RunResultsOut
    window: WindowOut
    requests: int
    report: VerificationReport | None = Field(description="None until checked (or too large)")
    may_reveal: bool
