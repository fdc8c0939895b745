"""Reads about agencies and people, and the one place where permissions are checked."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from functools import cache
from time import monotonic

from django.db import connection
from django.db.models import Q, QuerySet
from django.utils import timezone

from egov.accounts.models import Agency, Membership, User
from egov.core.context import request_memo
from egov.core.permissions import SUBTREE_ROLES, Permission, Role, role_grants
from egov.core.sql import fetch_all, sql_column, sql_table


def _today() -> date:
    return timezone.localdate()


def active_memberships(*, user: User, on: date | None = None) -> QuerySet[Membership]:
    day = on or _today()
    return Membership.objects.filter(user=user, valid_from__lte=day).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=day)
    )


def held_roles(*, user: User) -> tuple[tuple[int, str], ...]:
    """(agency id, role) of the user's memberships today: one query, remembered for the rest of the
    request (the work scope, the menu and each permission check of a page all need it;
    ``forget_held_roles`` after a change of memberships)."""
    memo = request_memo()
    key = ("held_roles", user.pk, _today())
    if memo is not None and key in memo:
        return memo[key]
    roles = _held_roles_read(user.pk, _today())
    if memo is not None:
        memo[key] = roles
    return roles


@cache
def _held_roles_statement() -> str:
    agency, role, user, start, end = (
        sql_column(Membership, name) for name in ("agency", "role", "user", "valid_from", "valid_to")
    )
    return (
        f"SELECT {agency}, {role} FROM {sql_table(Membership)} "  # noqa: S608
        f"WHERE {user} = %s AND {start} <= %s AND ({end} IS NULL OR {end} >= %s) ORDER BY {agency}, {role}"
    )


def _held_roles_read(user_id: int, day: date) -> tuple[tuple[int, str], ...]:
    """``active_memberships(...).values_list("agency_id", "role")`` as plain SQL: it runs on every officer's
    request, and building it with the ORM cost more than running it (docs/benchmarks.md)."""
    on = connection.ops.adapt_datefield_value(day)
    return tuple(fetch_all(_held_roles_statement(), [user_id, on, on]))


def forget_held_roles() -> None:
    memo = request_memo()
    if memo is not None:
        for key in [key for key in memo if isinstance(key, tuple) and key[:1] == ("held_roles",)]:
            del memo[key]


_TREE_SECONDS = 30.0
_tree_cache: tuple[float, dict[int, int | None]] | None = None


def agency_parent_map() -> dict[int, int | None]:
    """id → parent id for the whole tree (a province has a few hundred agencies: one small query), kept
    for 30 seconds per process because every permission check reads it; changes made through the
    services clear it at once in that process (``agency_tree_changed``)."""
    global _tree_cache
    now = monotonic()
    if _tree_cache is None or now - _tree_cache[0] > _TREE_SECONDS:
        _tree_cache = (now, dict(Agency.objects.values_list("id", "parent_id")))
    return _tree_cache[1]


def agency_tree_changed() -> None:
    global _tree_cache
    _tree_cache = None


def agency_ancestor_ids(*, agency_id: int, parents: dict[int, int | None] | None = None) -> list[int]:
    """The agency itself, then its parent, up to the root."""
    parents = parents if parents is not None else agency_parent_map()
    chain: list[int] = []
    current: int | None = agency_id
    while current is not None and current not in chain:
        chain.append(current)
        current = parents.get(current)
    return chain


def agency_descendant_ids(*, agency_id: int, include_self: bool = True) -> set[int]:
    children: dict[int | None, list[int]] = defaultdict(list)
    for child, parent in agency_parent_map().items():
        children[parent].append(child)
    found: set[int] = {agency_id} if include_self else set()
    stack = list(children[agency_id])
    while stack:
        current = stack.pop()
        if current not in found:
            found.add(current)
            stack.extend(children[current])
    return found


def agency_current_successor(*, agency: Agency) -> Agency:
    """Follow merges to the agency that holds the work today."""
    seen = {agency.pk}
    while agency.successor_id is not None and agency.successor_id not in seen:
        seen.add(agency.successor_id)
        agency = Agency.objects.get(pk=agency.successor_id)
    return agency


def agency_name_on(*, agency: Agency, day: date) -> str:
    """The name the agency carried on ``day`` (former names are kept when it is renamed)."""
    former = agency.former_names.filter(used_until__gte=day).order_by("used_until").first()
    return former.name if former else agency.name


def agencies_active(*, on: date | None = None) -> QuerySet[Agency]:
    day = on or _today()
    return Agency.objects.filter(valid_from__lte=day).filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))


def user_has_permission(*, user: User | None, permission: Permission | str, agency: Agency | int) -> bool:
    """May ``user`` do ``permission`` for ``agency``? A role acts in the agency it is held in; the
    roles in ``SUBTREE_ROLES`` also act for every agency below it (core/permissions.py)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    agency_id = agency if isinstance(agency, int) else agency.pk
    memberships = held_roles(user=user)
    if not memberships:
        return False
    ancestors = agency_ancestor_ids(agency_id=agency_id)
    for held_agency, role in memberships:
        if not role_grants(role, permission):
            continue
        if held_agency == agency_id or (Role(role) in SUBTREE_ROLES and held_agency in ancestors):
            return True
    return False


def agencies_where_permitted(*, user: User | None, permission: Permission | str) -> set[int]:
    """Every agency id for which ``user`` holds ``permission``: for filtering lists in one query.
    Gives exactly the agencies for which :func:`user_has_permission` says yes."""
    if user is None or not user.is_authenticated or not user.is_active:
        return set()
    if user.is_superuser:
        return set(Agency.objects.values_list("id", flat=True))
    result: set[int] = set()
    for held_agency, role in held_roles(user=user):
        if role_grants(role, permission):
            if Role(role) in SUBTREE_ROLES:
                result |= agency_descendant_ids(agency_id=held_agency)
            else:
                result.add(held_agency)
    return result


def users_of_agency(*, agency: Agency, roles: Iterable[str] | None = None) -> QuerySet[User]:
    """The people holding a role in ``agency`` today (the same period rule as the permission check)."""
    day = _today()
    memberships = Membership.objects.filter(agency=agency, valid_from__lte=day).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=day)
    )
    if roles is not None:
        memberships = memberships.filter(role__in=list(roles))
    return User.objects.filter(pk__in=memberships.values("user_id")).distinct()
