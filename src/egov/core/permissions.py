"""Roles and what each may do: the one table every authorisation check reads.

The check itself (which of a user's roles apply to an agency) is
:func:`egov.accounts.selectors.user_has_permission`. Later apps add permissions here, never a check
of their own.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ONE_STOP_OFFICER = "one_stop_officer", _("One-stop officer")
    SPECIALIST = "specialist", _("Specialist")
    HEAD_OF_DIVISION = "head_of_division", _("Head of division")
    AGENCY_HEAD = "agency_head", _("Agency head (signer)")
    CLERK = "clerk", _("Clerk")
    LEADER = "leader", _("Leader")
    ADMINISTRATOR = "administrator", _("Administrator")


class Permission(models.TextChoices):
    DOSSIER_RECEIVE = "dossier.receive", _("Receive, supplement or refuse dossiers")
    DOSSIER_VIEW = "dossier.view", _("See the agency's dossiers")
    DOSSIER_PROCESS = "dossier.process", _("Process dossier steps")
    DOSSIER_APPROVE = "dossier.approve", _("Approve or reject a dossier's outcome")
    RESULT_SIGN = "result.sign", _("Sign results and official documents")
    RESULT_RETURN = "result.return", _("Return results to applicants")
    DOCUMENT_REGISTER = "document.register", _("Register and number official documents")
    DASHBOARD_VIEW = "dashboard.view", _("See dashboards and statistics")
    AGENCY_MANAGE = "agency.manage", _("Edit and merge agencies")
    MEMBERSHIP_MANAGE = "membership.manage", _("Grant and end roles")
    CALENDAR_MANAGE = "calendar.manage", _("Enter days off and make-up working days")
    AUDIT_VIEW = "audit.view", _("Read the audit trail")
    EXCHANGE_OPERATE = "exchange.operate", _("Watch and operate the connections with other systems")


P = Permission
ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.ONE_STOP_OFFICER: frozenset({P.DOSSIER_RECEIVE, P.DOSSIER_VIEW, P.RESULT_RETURN}),
    Role.SPECIALIST: frozenset({P.DOSSIER_VIEW, P.DOSSIER_PROCESS}),
    Role.HEAD_OF_DIVISION: frozenset({P.DOSSIER_VIEW, P.DOSSIER_PROCESS, P.DOSSIER_APPROVE}),
    Role.AGENCY_HEAD: frozenset({P.DOSSIER_VIEW, P.DOSSIER_APPROVE, P.RESULT_SIGN, P.DASHBOARD_VIEW}),
    Role.CLERK: frozenset({P.DOCUMENT_REGISTER, P.RESULT_RETURN}),
    Role.LEADER: frozenset({P.DASHBOARD_VIEW, P.DOSSIER_VIEW}),
    Role.ADMINISTRATOR: frozenset(
        {
            P.AGENCY_MANAGE,
            P.MEMBERSHIP_MANAGE,
            P.CALENDAR_MANAGE,
            P.AUDIT_VIEW,
            P.DASHBOARD_VIEW,
            P.EXCHANGE_OPERATE,
        }
    ),
}

# Roles whose holder acts for the agency's whole subtree (a provincial leader sees every department);
# every other role acts only for the agency it is held in.
SUBTREE_ROLES: frozenset[Role] = frozenset({Role.LEADER, Role.ADMINISTRATOR})


def role_grants(role: str, permission: str) -> bool:
    return permission in ROLE_PERMISSIONS.get(Role(role), frozenset())
