"""The National Public Service Portal behind the exchange's connector interface."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from egov.exchange.connectors import InboundOutcome, InboundSummary, InvalidMessage, OutgoingRequest
from egov.exchange.contrib.national_portal import inbound, outbound, wire
from egov.exchange.models import InboxMessage, OutboxMessage

INBOUND_CATEGORIES = {
    wire.SERVICE_DOSSIER: (
        gettext_lazy("Applicant's identity and contact details"),
        gettext_lazy("Application form"),
        gettext_lazy("Papers (files or national e-store references)"),
        gettext_lazy("Fees and payment"),
    ),
    wire.SERVICE_WITHDRAWAL: (gettext_lazy("Withdrawal request and its reason"),),
    wire.SERVICE_PAYMENT: (gettext_lazy("Payment confirmation"),),
    wire.SERVICE_SUPPLEMENT: (gettext_lazy("Papers supplemented by the applicant"),),
}


class NationalPortalConnector:
    name = "national_portal"
    label = gettext_lazy("National Public Service Portal")

    def validate(self, *, service: str, data: Any) -> InboundSummary:
        model = wire.INBOUND_MODELS.get(service)
        if model is None:
            raise InvalidMessage(
                message=_("Unknown service “%(service)s”; this address takes: %(known)s.")
                % {"service": service, "known": ", ".join(wire.INBOUND_SERVICES)}
            )
        parsed = inbound.parse(model, data)
        if isinstance(parsed, wire.DossierIn | wire.SupplementIn):
            inbound.check_files(parsed)
        return InboundSummary(
            subject=str(getattr(parsed, "national_code", "")),
            data_categories=tuple(str(category) for category in INBOUND_CATEGORIES[service]),
        )

    def apply(self, *, message: InboxMessage) -> InboundOutcome:
        return inbound.APPLY[message.service](message)

    def render(self, *, message: OutboxMessage) -> OutgoingRequest:
        return outbound.render(message)

    def is_accepted(self, *, status: int, body: Any) -> bool:
        return isinstance(body, dict) and body.get("error_code") in (0, "0")

    def status_lines(self) -> list[tuple[str, str]]:
        """For the monitoring page: the last reconciliation and its sync rate (indicator 1.4)."""
        from django.utils import formats, timezone

        from egov.exchange.contrib.national_portal.models import ReconciliationReport

        report = ReconciliationReport.objects.order_by("-ran_at").first()
        if report is None:
            return [(_("Last reconciliation"), _("not run yet"))]
        when = formats.date_format(timezone.localtime(report.ran_at), "d/m/Y H:i")
        if report.error:
            return [
                (
                    _("Last reconciliation"),
                    _("%(when)s, failed: %(error)s") % {"when": when, "error": report.error},
                )
            ]
        rate = formats.number_format(report.rate, 2) if report.rate is not None else "–"
        return [
            (
                _("Last reconciliation"),
                _("%(when)s: sync rate %(rate)s %% (%(synced)s of %(total)s dossiers in step)")
                % {
                    "when": when,
                    "rate": rate,
                    "synced": report.synced_count,
                    "total": max(report.local_count, report.portal_count),
                },
            )
        ]


connector = NationalPortalConnector()
