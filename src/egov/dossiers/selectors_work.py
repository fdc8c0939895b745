"""Reading the processing work: the officer's queue and the dossier as their agency may see it.

The permission is the WHERE clause. A :class:`WorkScope` is computed once per request from the user's
roles (``agencies_where_permitted``, the one place permissions are decided) and delegations; the queue is
then one query for the page rows and one count, whatever the number of rows, never a check per row.
``WorkScope.can_act`` says for one step exactly what ``processing.step_can_act`` says, without queries
(a test holds the two together).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from fractions import Fraction
from functools import cache as memoise
from functools import reduce
from operator import or_
from typing import Any, ClassVar

from django.core.cache import cache
from django.db import connection
from django.db.models import Case, Exists, IntegerField, OuterRef, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.text import Truncator

from egov.accounts.models import Agency, User
from egov.accounts.selectors import agencies_where_permitted, users_of_agency
from egov.catalog.models import ProcedureVersion
from egov.core.calendar.selectors import add_working_days, add_working_hours
from egov.core.permissions import ROLE_PERMISSIONS, Permission, Role
from egov.core.sql import fetch_all, fetch_one, sql_column, sql_table
from egov.dossiers.models import Consultation, Delegation, Dossier, DossierStep, Status, StepHolding
from egov.dossiers.processing import (
    STEP_PERMISSION,
    SUPPLEMENT_WINDOW_WORKING_DAYS,
    WARN_BEFORE_HOURS,
)
from egov.dossiers.queue_reads import QueueRow, queue_rows

# Most urgent first: 25 rows fit a laptop's screen or two, and the page refreshes itself every minute
# (docs/processing.md, docs/benchmarks.md).
PAGE_SIZE = 25
MAX_PAGE_SIZE = 100  # what the API may ask for
PAGE_SIZES = (PAGE_SIZE, 50, MAX_PAGE_SIZE)  # what the page offers (?so-dong=)
# Statuses in which a dossier's active steps are work to do (stopped, refused, returned: nothing left).
OPEN_STATUSES = (
    Status.PROCESSING,
    Status.SUPPLEMENT_REQUESTED,
    Status.PAYMENT_REQUESTED,
    Status.WITHDRAWAL_REQUESTED,
    Status.PROCESSED,
)
# Statuses in which the clock of the steps stops: the applicant's time.
PAUSED_STATUSES = (Status.SUPPLEMENT_REQUESTED, Status.PAYMENT_REQUESTED)
_SCOPE_PERMISSIONS = tuple(
    dict.fromkeys([*STEP_PERMISSION.values(), Permission.DOSSIER_VIEW, Permission.RESULT_RETURN])
)


# -- who the user is at work --------------------------------------------------------------------------------


@dataclass(frozen=True)
class WorkScope:
    """The agencies where the user holds each permission today, and whose work they hold as a delegate."""

    user: User
    at: datetime
    permitted: Mapping[str, frozenset[int]]
    delegations: tuple[tuple[int, int], ...] = ()  # (agency id, absent user id)

    def agencies(self, permission: str) -> frozenset[int]:
        return self.permitted.get(permission, frozenset())

    @property
    def heads(self) -> frozenset[int]:
        """Agencies where the user is a head (approves, reassigns, refuses, apologises)."""
        return self.agencies(Permission.DOSSIER_APPROVE)

    @property
    def viewing(self) -> frozenset[int]:
        """Agencies whose part of a dossier the user may read: any role that works dossiers there, or a
        delegation there."""
        found: set[int] = set()
        for permission in _SCOPE_PERMISSIONS:
            if permission != Permission.AGENCY_MANAGE:
                found |= self.agencies(permission)
        return frozenset(found | {agency for agency, _absent in self.delegations})

    @property
    def is_worker(self) -> bool:
        return bool(self.viewing)

    def delegated_absent(self, agency_id: int) -> set[int]:
        return {absent for agency, absent in self.delegations if agency == agency_id}

    def can_act(self, step: DossierStep | QueueRow) -> bool:
        """``processing.step_can_act`` for this user, from the scope (no queries)."""
        if not self.user.is_active:
            return False
        if step.assignee_id is not None:
            return (
                step.assignee_id == self.user.pk
                or step.assignee_id in self.delegated_absent(step.agency_id)
                or step.agency_id in self.heads
            )
        return step.agency_id in self.agencies(STEP_PERMISSION[Role(step.role)])

    def can_see_step_details(self, step: DossierStep) -> bool:
        """Holders, notes and consultations of a step are its agency's; other agencies see the outline."""
        return step.agency_id in self.viewing


def work_scope(*, user: Any, at: datetime | None = None) -> WorkScope:
    moment = at or timezone.now()
    if not isinstance(user, User) or not user.is_authenticated or not user.is_active:
        return WorkScope(user=User(), at=moment, permitted={})
    permitted: dict[str, frozenset[int]] = {
        str(permission): frozenset(agencies_where_permitted(user=user, permission=permission))
        for permission in _SCOPE_PERMISSIONS
    }
    return WorkScope(user=user, at=moment, permitted=permitted, delegations=_delegations(user.pk, moment))


@memoise
def _delegations_statement() -> str:
    agency, absent, delegate, start, end = (
        sql_column(Delegation, name) for name in ("agency", "absent", "delegate", "valid_from", "valid_to")
    )
    return (
        f"SELECT {agency}, {absent} FROM {sql_table(Delegation)} "  # noqa: S608
        f"WHERE {delegate} = %s AND {start} <= %s AND {end} > %s ORDER BY {agency}, {absent}"
    )


def _delegations(user_id: int, moment: datetime) -> tuple[tuple[int, int], ...]:
    """(agency id, absent user id) of the work ``user_id`` holds as a delegate at ``moment``: plain SQL,
    as ``held_roles``, because every officer's request reads it."""
    at = connection.ops.adapt_datetimefield_value(moment)
    return tuple(fetch_all(_delegations_statement(), [user_id, at, at]))


def _can_act_condition(scope: WorkScope) -> Q:
    """The WHERE form of ``WorkScope.can_act``."""
    conditions = [Q(assignee_id=scope.user.pk)]
    by_agency: dict[int, set[int]] = {}
    for agency, absent in scope.delegations:
        by_agency.setdefault(agency, set()).add(absent)
    conditions += [Q(agency_id=agency, assignee_id__in=absent) for agency, absent in by_agency.items()]
    if scope.heads:
        conditions.append(Q(assignee__isnull=False, agency_id__in=scope.heads))
    for role, permission in STEP_PERMISSION.items():
        agencies = scope.agencies(permission)
        if agencies:
            conditions.append(Q(assignee__isnull=True, role=role, agency_id__in=agencies))
    return reduce(or_, conditions)


def _visible_condition(scope: WorkScope) -> Q:
    """What the queue lists: what the user can act on, and every active step of the agencies they head."""
    condition = _can_act_condition(scope)
    if scope.heads:
        condition |= Q(agency_id__in=scope.heads)
    return condition


# -- the queue --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class QueueFilters:
    """The queue's filters, as they stand in the URL (``?han=qua-han&thu-tuc=1.001193&co-quan=7``)."""

    due: str = ""  # "soon" | "overdue" | ""
    procedure: str = ""  # national code
    agency: int | None = None
    only_mine: bool = False
    order: str = "urgency"  # "urgency" | "code" | "started"
    page: int = 1
    page_size: int = PAGE_SIZE

    URL_DUE: ClassVar[dict[str, str]] = {"sap-den-han": "soon", "qua-han": "overdue"}
    URL_ORDER: ClassVar[dict[str, str]] = {"khan-cap": "urgency", "ma": "code", "bat-dau": "started"}

    @classmethod
    def from_query(cls, query: Mapping[str, str]) -> QueueFilters:
        """Unknown or malformed values are ignored (a filter that does not parse does not filter)."""
        agency = query.get("co-quan", "")
        page = query.get("trang", "")
        size = query.get("so-dong", "")
        return cls(
            due=cls.URL_DUE.get(query.get("han", ""), ""),
            procedure=query.get("thu-tuc", "").strip()[:32],
            agency=int(agency) if agency.isdigit() else None,
            only_mine=query.get("cua-toi") == "1",
            order=cls.URL_ORDER.get(query.get("sap-xep", ""), "urgency"),
            page=max(1, int(page)) if page.isdigit() else 1,
            page_size=int(size) if size.isdigit() and int(size) in PAGE_SIZES else PAGE_SIZE,
        )


@dataclass
class QueuePage:
    rows: Sequence[QueueRow]
    total: int
    page: int
    pages: int
    page_size: int = PAGE_SIZE
    filters: QueueFilters = field(default_factory=QueueFilters)


def _narrowed(
    steps: QuerySet[DossierStep], scope: WorkScope, filters: QueueFilters, at: datetime, soon: datetime
) -> QuerySet[DossierStep]:
    steps = steps.filter(state=DossierStep.State.ACTIVE, dossier__status__in=OPEN_STATUSES)
    if filters.only_mine:
        steps = steps.filter(_can_act_condition(scope))
    if filters.due == "overdue":
        steps = steps.filter(due_at__lte=at).exclude(dossier__status__in=PAUSED_STATUSES)
    elif filters.due == "soon":
        steps = steps.filter(due_at__gt=at, due_at__lte=soon).exclude(dossier__status__in=PAUSED_STATUSES)
    if filters.procedure:
        steps = steps.filter(dossier__procedure_version__procedure__national_code=filters.procedure)
    if filters.agency is not None:
        steps = steps.filter(agency_id=filters.agency)
    return steps


def _branches(
    scope: WorkScope, filters: QueueFilters, *, at: datetime | None = None, soon: datetime | None = None
) -> list[QuerySet[DossierStep]]:
    """``_visible_condition`` as disjoint parts, each answered by one index: every active step of the
    agencies the user heads (``step_queue_idx``); elsewhere, the steps held by the user or by those they
    stand in for (``step_assignee_idx``) and the unassigned steps of each role they hold
    (``step_pool_idx``). One OR over all of them made the planner read every active step of the agency
    (docs/benchmarks.md)."""
    heads = scope.heads
    parts: list[Q] = []
    if heads:
        parts.append(Q(agency_id__in=heads))
    parts.append(Q(assignee_id=scope.user.pk) & ~Q(agency_id__in=heads))
    by_agency: dict[int, set[int]] = {}
    for agency, absent in scope.delegations:
        if agency not in heads:
            by_agency.setdefault(agency, set()).add(absent)
    parts += [Q(agency_id=agency, assignee_id__in=absent) for agency, absent in by_agency.items()]
    for role, permission in STEP_PERMISSION.items():
        agencies = scope.agencies(permission) - heads
        if agencies:
            parts.append(Q(assignee__isnull=True, role=role, agency_id__in=agencies))
    at = at or scope.at
    if soon is None:
        soon = add_working_hours(at, Fraction(WARN_BEFORE_HOURS)) if filters.due == "soon" else at
    return [_narrowed(DossierStep.objects.filter(part), scope, filters, at, soon) for part in parts]


_ORDERINGS: dict[str, tuple[str, ...]] = {
    "code": ("dossier__code", "order", "id"),
    "started": ("started_at", "id"),
    "urgency": ("is_paused", "due_at", "id"),
}


def _union(branches: list[QuerySet[DossierStep]], columns: tuple[str, ...]) -> Any:
    """The queue's parts as one ``UNION ALL`` of ``columns`` (``is_paused`` among them if asked: 1 while
    the dossier waits for the applicant)."""
    parts = [
        branch.annotate(
            is_paused=Case(
                When(dossier__status__in=PAUSED_STATUSES, then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            )
        )
        .order_by()
        .values_list(*columns)
        for branch in branches
    ]
    return parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]


# Stand-ins for "now" and "soon" while the queue's SQL is compiled: the compiled statement is kept per
# scope and filters, and the real moments replace these in its parameters at each request.
_AT_MARK = datetime(1901, 1, 1, tzinfo=UTC)
_SOON_MARK = datetime(1902, 1, 1, tzinfo=UTC)
_QUEUE_SQL: dict[Any, tuple[str, tuple[Any, ...]]] = {}
_KEPT_STATEMENTS = 4096


def _scope_key(scope: WorkScope) -> tuple[Any, ...]:
    return (
        connection.alias,
        scope.user.pk,
        tuple(sorted((name, tuple(sorted(ids))) for name, ids in scope.permitted.items())),
        scope.delegations,
    )


def _queue_sql(scope: WorkScope, filters: QueueFilters, columns: tuple[str, ...]) -> tuple[str, list[Any]]:
    """The SQL of the filtered queue's union (``columns``, the step's id last) and its parameters for
    this moment. Building it with the ORM was most of a page's work (docs/benchmarks.md), so each
    process keeps it per scope, filters and columns."""
    key = (
        _scope_key(scope), filters.due, filters.procedure, filters.agency, filters.only_mine, columns
    )  # fmt: skip
    compiled = _QUEUE_SQL.get(key)
    if compiled is None:
        union = _union(_branches(scope, filters, at=_AT_MARK, soon=_SOON_MARK), columns)
        sql, marked = union.query.sql_with_params()
        if len(_QUEUE_SQL) > _KEPT_STATEMENTS:
            _QUEUE_SQL.clear()
        compiled = _QUEUE_SQL[key] = (sql, tuple(marked))
    sql, marked = compiled
    adapt = connection.ops.adapt_datetimefield_value
    at = scope.at
    moments: dict[Any, Any] = {adapt(_AT_MARK): adapt(at)}
    if filters.due == "soon":
        moments[adapt(_SOON_MARK)] = adapt(add_working_hours(at, Fraction(WARN_BEFORE_HOURS)))
    return sql, [moments.get(v, v) if isinstance(v, (str, datetime)) else v for v in marked]


@dataclass(frozen=True)
class QueueSummary:
    """The filtered queue's exact total and a fingerprint that changes whenever the list does — steps
    coming and going, taken, reassigned, paused or resumed, falling due: count, sums and bounds."""

    total: int
    fingerprint: tuple[str, ...]


_SUMMARY_COLUMNS = ("assignee_id", "due_at", "is_paused", "id")


def work_queue_summary(*, scope: WorkScope, filters: QueueFilters) -> QueueSummary:
    """One aggregate query over the filtered queue: its total for the page, its fingerprint for the ETag
    (``core.refresh``: a reload that finds the same fingerprint is answered 304, not rendered)."""
    if not scope.is_worker:
        return QueueSummary(total=0, fingerprint=())
    union_sql, params = _queue_sql(scope, filters, _SUMMARY_COLUMNS)
    assignee, due, paused, step = (connection.ops.quote_name(name) for name in _SUMMARY_COLUMNS)
    found = fetch_one(
        f"SELECT COUNT(*), SUM({step}), SUM(COALESCE({assignee}, 0)), SUM({paused}), "  # noqa: S608
        f"MIN({due}), MAX({due}) FROM ({union_sql}) queue",
        params,
    )
    assert found is not None  # an aggregate always answers one row
    return QueueSummary(total=int(found[0]), fingerprint=tuple(str(value) for value in found))


def work_queue_page(
    *, scope: WorkScope, filters: QueueFilters, summary: QueueSummary | None = None
) -> QueuePage:
    """One page of the queue, most urgent first (steps waiting for the applicant last), with the exact
    total. Three queries whatever the queue's length: the summary (unless given: the page's view read it
    for the ETag) and the page's ids over the union of ``_branches``, then the page's rows by id
    (``queue_reads``). Each row carries ``can_act`` (the user may act on it, not only see it as a head)
    and ``is_paused`` (the dossier waits for the applicant)."""
    if not scope.is_worker:
        return QueuePage(rows=[], total=0, page=1, pages=1, filters=filters)
    total = (summary or work_queue_summary(scope=scope, filters=filters)).total
    ordering = _ORDERINGS.get(filters.order, _ORDERINGS["urgency"])
    union_sql, params = _queue_sql(scope, filters, ordering)
    positions = ", ".join(str(position) for position in range(1, len(ordering) + 1))
    size = max(1, min(filters.page_size, MAX_PAGE_SIZE))
    pages = max(1, -(-total // size))
    page = min(filters.page, pages)
    found = fetch_all(
        f"SELECT * FROM ({union_sql}) queue ORDER BY {positions} LIMIT %s OFFSET %s",  # noqa: S608
        [*params, size, (page - 1) * size],
    )
    ids = [row[-1] for row in found]
    rows = queue_rows(ids)
    for row in rows:
        row.can_act = scope.can_act(row)
        row.is_paused = int(row.dossier.status in PAUSED_STATUSES)
    return QueuePage(rows=rows, total=total, page=page, pages=pages, page_size=size, filters=filters)


_FILTER_OPTIONS_SECONDS = 60


def work_queue_procedures(*, scope: WorkScope) -> list[tuple[str, str]]:
    """(national code, name) of the procedures in the user's queue, for the filter. Grouped over the
    whole queue, so kept a minute per user and scope: the list of options need not move with every
    step, and it was the page's most expensive query (docs/benchmarks.md)."""
    if not scope.is_worker:
        return []
    permitted = tuple(sorted((name, tuple(sorted(ids))) for name, ids in scope.permitted.items()))
    key = f"work-procedures:{scope.user.pk}:{hash((permitted, scope.delegations))}"
    cached = cache.get(key)
    if cached is not None:
        return [tuple(pair) for pair in cached]
    versions: set[int] = set()
    for branch in _branches(scope, QueueFilters()):
        versions |= set(branch.order_by().values_list("dossier__procedure_version_id", flat=True).distinct())
    found: dict[str, str] = {}
    for code, name in (
        ProcedureVersion.objects.filter(pk__in=versions)
        .order_by("procedure__national_code", "-number")
        .values_list("procedure__national_code", "name")
    ):
        found.setdefault(code, Truncator(name).chars(60))
    result = list(found.items())
    cache.set(key, result, _FILTER_OPTIONS_SECONDS)
    return result


def work_agencies(*, scope: WorkScope) -> list[tuple[int, str]]:
    """(id, name) of the agencies whose work the user sees in the queue, for the filter; kept a minute
    like the procedures (a renamed agency shows under its new name within the minute)."""
    ids = set(scope.heads) | {agency for agency, _absent in scope.delegations}
    for permission in STEP_PERMISSION.values():
        ids |= scope.agencies(permission)
    key = f"work-agencies:{hash(tuple(sorted(ids)))}"
    cached = cache.get(key)
    if cached is None:
        cached = list(Agency.objects.filter(pk__in=ids).order_by("code").values_list("pk", "name"))
        cache.set(key, cached, _FILTER_OPTIONS_SECONDS)
    return [(pk, name) for pk, name in cached]


# -- one dossier --------------------------------------------------------------------------------------------


def work_dossier(*, scope: WorkScope, code: str, for_page: bool = False) -> Dossier | None:
    """A dossier the user may open from processing: received by a section they work in, with a step of an
    agency they work in or whose work they hold as a delegate, or asking their agency's opinion. None
    otherwise (no hint that it exists). ``for_page`` also reads what the processing page lists (papers,
    slips, the status history); actions and the API do without."""
    if not scope.is_worker:
        return None
    viewing = scope.viewing
    steps = DossierStep.objects.filter(dossier=OuterRef("pk"))
    step_condition = Q(agency_id__in=viewing)
    for agency, absent in scope.delegations:
        step_condition |= Q(agency_id=agency, assignee_id=absent)
    consulted = Consultation.objects.filter(step__dossier=OuterRef("pk"), agency_id__in=viewing)
    found = (
        Dossier.objects.filter(code=code)
        .filter(Q(receiving_agency_id__in=viewing) | Exists(steps.filter(step_condition)) | Exists(consulted))
        .select_related("procedure_version__procedure", "receiving_agency", "processing_agency", "applicant")
        .order_by()
    )
    if for_page:
        found = found.prefetch_related("papers__file", "events__actor", "slips")
    return found.first()


@dataclass
class DossierParts:
    """What the processing page shows of a dossier, split by what the user's agencies may read."""

    steps: list[DossierStep]
    holdings: dict[int, list[StepHolding]]  # step id → who held it (own agencies' steps only)
    consultations: list[Consultation]  # asked on own steps, or addressed to an own agency
    supplement_window_end: datetime | None


def work_dossier_parts(*, scope: WorkScope, dossier: Dossier) -> DossierParts:
    steps = list(dossier.steps.select_related("agency", "assignee").order_by("order", "pk"))
    own = [step.pk for step in steps if scope.can_see_step_details(step)]
    holdings: dict[int, list[StepHolding]] = {}
    for holding in (
        StepHolding.objects.filter(step_id__in=own)
        .select_related("holder", "assigned_by")
        .order_by("started_at", "pk")
    ):
        holdings.setdefault(holding.step_id, []).append(holding)
    consultations = list(
        Consultation.objects.filter(step__dossier=dossier)
        .filter(Q(step_id__in=own) | Q(agency_id__in=scope.viewing))
        .select_related("step__agency", "agency", "asked_by", "answered_by")
        .order_by("asked_at", "pk")
    )
    window_end = (
        add_working_days(dossier.received_at, SUPPLEMENT_WINDOW_WORKING_DAYS) if dossier.received_at else None
    )
    return DossierParts(
        steps=steps, holdings=holdings, consultations=consultations, supplement_window_end=window_end
    )


def step_candidates(*, agency: Agency | int, role: str) -> QuerySet[User]:
    """The people who may take a step of ``role`` in ``agency`` today (for reassigning or forwarding)."""
    permission = STEP_PERMISSION[Role(role)]
    roles = [held for held, granted in ROLE_PERMISSIONS.items() if permission in granted]
    target = agency if isinstance(agency, Agency) else Agency.objects.get(pk=agency)
    return (
        users_of_agency(agency=target, roles=roles).filter(is_active=True).order_by("full_name", "username")
    )


def returned_unrated(*, scope: WorkScope, limit: int = 20) -> QuerySet[Dossier]:
    """Dossiers the user's sections returned in the last week that nobody has rated: the kiosk's list."""
    return (
        Dossier.objects.filter(
            receiving_agency_id__in=scope.agencies(Permission.DOSSIER_RECEIVE),
            status=Status.RETURNED,
            returned_at__gte=scope.at - timedelta(days=7),
            rating__isnull=True,
        )
        .select_related("procedure_version")
        .order_by("-returned_at")[:limit]
    )
