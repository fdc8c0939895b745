"""The one-stop section's slips as PDF (forms 01–06) — docs/slips.md."""

from egov.dossiers.slips.render import control_slip_pdf, slip_pdf

__all__ = ["control_slip_pdf", "slip_pdf"]
