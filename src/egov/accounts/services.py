"""Changes to agencies, people and roles; every one audited in its own transaction."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from egov.accounts.models import Agency, AgencyName, Membership, User
from egov.accounts.selectors import agency_descendant_ids, agency_tree_changed, forget_held_roles
from egov.core.audit.services import audit_record, changes_between, snapshot

AGENCY_FIELDS = ("code", "name", "short_name", "level", "parent_id", "valid_from", "valid_to", "address")

# Apps that hold open work for an agency (dossiers, documents…) register a handler that moves it to the
# successor when agencies merge; it returns how many items it moved. See AppConfig.ready() of those apps.
MergeHandler = Callable[[Agency, Agency, Any], int]
_merge_handlers: dict[str, MergeHandler] = {}


def register_agency_merge_handler(name: str, handler: MergeHandler) -> None:
    _merge_handlers[name] = handler


def unregister_agency_merge_handler(name: str) -> None:
    _merge_handlers.pop(name, None)


def agency_create(*, actor: Any, **fields: Any) -> Agency:
    agency = Agency(**fields)
    agency.full_clean()
    with transaction.atomic():
        agency.save()
        audit_record(
            actor=actor,
            action="agency.created",
            target=agency,
            changes={key: [None, value] for key, value in snapshot(agency, AGENCY_FIELDS).items()},
        )
    return agency


def agency_update(*, actor: Any, agency: Agency, renamed_on: date | None = None, **fields: Any) -> Agency:
    """Change an agency's details. A new name keeps the old one as history, used until the day before
    ``renamed_on`` (default: yesterday)."""
    with transaction.atomic():
        agency = Agency.objects.select_for_update().get(pk=agency.pk)
        before = snapshot(agency, AGENCY_FIELDS)
        old_name = agency.name
        for key, value in fields.items():
            setattr(agency, key, value)
        if agency.parent_id is not None and agency.parent_id in agency_descendant_ids(agency_id=agency.pk):
            raise ValidationError({"parent": _("An agency cannot be placed under itself or its own units.")})
        agency.full_clean()
        agency.save()
        if agency.name != old_name:
            AgencyName.objects.create(
                agency=agency, name=old_name, used_until=(renamed_on or date.today()) - timedelta(days=1)
            )
        audit_record(
            actor=actor,
            action="agency.updated",
            target=agency,
            changes=changes_between(before, snapshot(agency, AGENCY_FIELDS)),
        )
    return agency


@dataclass
class MergeReport:
    successor: Agency
    merged: list[Agency] = field(default_factory=list)
    memberships_moved: int = 0
    children_moved: int = 0
    work_moved: dict[str, int] = field(default_factory=dict)


def agency_merge(
    *, actor: Any, sources: Sequence[Agency], successor: Agency, effective_on: date
) -> MergeReport:
    """Merge ``sources`` into ``successor`` from ``effective_on`` (e.g. 1 July 2025).

    Each source ends the day before, points to its successor and keeps its name, so what it did stays
    under that name. Its units, the people holding roles in it, and its open work (through the
    registered merge handlers) move to the successor.
    """
    report = MergeReport(successor=successor)
    last_day = effective_on - timedelta(days=1)
    with transaction.atomic():
        successor = Agency.objects.select_for_update().get(pk=successor.pk)
        if not successor.is_active_on(effective_on):
            raise ValidationError(
                _("The successor agency is not active on the day the merger takes effect."),
                code="merge_successor_inactive",
            )
        for source in sources:
            source = Agency.objects.select_for_update().get(pk=source.pk)
            if source.pk == successor.pk:
                raise ValidationError(_("An agency cannot be merged into itself."), code="merge_into_itself")
            if source.valid_to is not None:
                raise ValidationError(
                    _("%(name)s has already ended on %(day)s.")
                    % {"name": source.name, "day": f"{source.valid_to:%d/%m/%Y}"},
                    code="merge_source_ended",
                )
            if successor.pk in agency_descendant_ids(agency_id=source.pk):
                raise ValidationError(
                    _("%(name)s cannot be merged into one of its own units.") % {"name": source.name},
                    code="merge_into_own_unit",
                )
            if last_day < source.valid_from:
                raise ValidationError(
                    _("%(name)s only starts on %(day)s, after the merger takes effect.")
                    % {"name": source.name, "day": f"{source.valid_from:%d/%m/%Y}"},
                    code="merge_source_not_started",
                )
            children = Agency.objects.filter(parent=source, valid_to__isnull=True)
            report.children_moved += children.update(parent=successor)
            agency_tree_changed()  # a bulk update sends no signal
            report.memberships_moved += _move_memberships(source, successor, effective_on)
            source.valid_to = last_day
            source.successor = successor
            source.save(update_fields=["valid_to", "successor", "updated_at"])
            for name, handler in _merge_handlers.items():
                report.work_moved[name] = report.work_moved.get(name, 0) + handler(source, successor, actor)
            report.merged.append(source)
            audit_record(
                actor=actor,
                action="agency.merged",
                target=source,
                changes={"valid_to": [None, last_day], "successor": [None, successor.code]},
            )
        audit_record(
            actor=actor,
            action="agency.merge_received",
            target=successor,
            changes={
                "predecessors": [None, [agency.code for agency in report.merged]],
                "memberships_moved": [None, report.memberships_moved],
                "children_moved": [None, report.children_moved],
                "work_moved": [None, report.work_moved],
            },
        )
    return report


def _move_memberships(source: Agency, successor: Agency, effective_on: date) -> int:
    moved = 0
    for membership in Membership.objects.select_for_update().filter(agency=source, valid_to__isnull=True):
        membership.valid_to = effective_on - timedelta(days=1)
        membership.save(update_fields=["valid_to", "updated_at"])
        _, created = Membership.objects.get_or_create(
            user_id=membership.user_id,
            agency=successor,
            role=membership.role,
            valid_to=None,
            defaults={"valid_from": effective_on},
        )
        moved += int(created)
    forget_held_roles()
    return moved


def membership_grant(
    *, actor: Any, user: User, agency: Agency, role: str, valid_from: date | None = None
) -> Membership:
    if not user.is_official:
        raise ValidationError(_("Only officials can hold a role in an agency."))
    membership = Membership(user=user, agency=agency, role=role, valid_from=valid_from or date.today())
    membership.full_clean()
    with transaction.atomic():
        membership.save()
        forget_held_roles()
        audit_record(
            actor=actor,
            action="membership.granted",
            target=membership,
            changes={"user": [None, user.username], "agency": [None, agency.code], "role": [None, role]},
        )
    return membership


def membership_end(*, actor: Any, membership: Membership, valid_to: date | None = None) -> Membership:
    with transaction.atomic():
        membership = Membership.objects.select_for_update().get(pk=membership.pk)
        end = valid_to or date.today()
        audit_record(
            actor=actor,
            action="membership.ended",
            target=membership,
            changes={"valid_to": [membership.valid_to, end]},
        )
        membership.valid_to = end
        membership.save(update_fields=["valid_to", "updated_at"])
        forget_held_roles()
    return membership


def user_create(*, actor: Any, username: str, password: str | None, **fields: Any) -> User:
    """Create an official, a citizen or a business representative, validated and audited."""
    user = User(username=username, **fields)
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean(exclude=["password"])
    with transaction.atomic():
        user.save()
        audit_record(
            actor=actor,
            action="user.created",
            target=user,
            changes={"username": [None, username], "kind": [None, user.kind]},
        )
    return user
