"""Which local procedure and which receiving one-stop section a dossier from the national portal belongs
to: an explicit mapping (admin) first, else the same code in our catalogue or agency tree."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from egov.accounts.models import Agency
from egov.catalog.models import Procedure, ProcedureVersion
from egov.exchange.contrib.national_portal.models import AgencyMapping, ProcedureMapping

UNMAPPED_PROCEDURE = "unmapped_procedure"
UNMAPPED_AGENCY = "unmapped_agency"


@dataclass(frozen=True)
class Resolved:
    version: ProcedureVersion | None = None
    agency: Agency | None = None
    reason_code: str = ""
    reason: str = ""


def resolve_procedure(code: str) -> Resolved:
    mapping = (
        ProcedureMapping.objects.filter(national_code=code, is_active=True)
        .select_related("procedure")
        .first()
    )
    procedure = mapping.procedure if mapping else Procedure.objects.filter(national_code=code).first()
    if procedure is None:
        return Resolved(
            reason_code=UNMAPPED_PROCEDURE,
            reason=_(
                "The procedure %(code)s is not in the catalogue and has no mapping: map it to a local "
                "procedure (Administration → Procedure mappings), then process the dossier again."
            )
            % {"code": code},
        )
    version = procedure.current_version
    if version is None or version.status != ProcedureVersion.Status.PUBLISHED:
        return Resolved(
            reason_code=UNMAPPED_PROCEDURE,
            reason=_(
                "The procedure %(code)s has no published version to receive dossiers under: publish one "
                "or map the code to another procedure, then process the dossier again."
            )
            % {"code": code},
        )
    return Resolved(version=version)


def resolve_agency(code: str) -> Resolved:
    mapping = (
        AgencyMapping.objects.filter(national_code=code, is_active=True).select_related("agency").first()
    )
    agency = mapping.agency if mapping else Agency.objects.filter(code=code).first()
    if agency is None:
        return Resolved(
            reason_code=UNMAPPED_AGENCY,
            reason=_(
                "The agency identifier %(code)s is not known here: map it to the one-stop section that "
                "receives its dossiers (Administration → Agency mappings), then process the dossier again."
            )
            % {"code": code},
        )
    if not agency.is_active_on(timezone.localdate()):
        return Resolved(
            reason_code=UNMAPPED_AGENCY,
            reason=_(
                "The agency identifier %(code)s points to %(name)s, which no longer exists: map it to its "
                "successor's one-stop section, then process the dossier again."
            )
            % {"code": code, "name": agency.name},
        )
    return Resolved(agency=agency)
