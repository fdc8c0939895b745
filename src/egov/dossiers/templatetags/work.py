"""The work queue's rows, rendered in Python.

The queue is the officers' busiest page: it reloads itself every minute in every open browser. Rendered
by Django's template engine, its 25 rows took more than half of the page's time (about 150 µs a row:
a dozen variable lookups, a date filter, the clock badge, three translation tags); built here they take
a fraction of that (docs/benchmarks.md, "Where the queue's time goes"). The markup is the one
``dossiers/work/_queue.html`` had; every value from the data is escaped (a test feeds it markup).
"""

from __future__ import annotations

from datetime import datetime, tzinfo
from html import escape
from typing import Any

from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from egov.dossiers.templatetags.desk import page_clock

register = template.Library()


def _local(moment: datetime | None, zone: tzinfo) -> str:
    """``d/m/Y H:i`` in the province's time zone (``zone``, the current one, looked up once a page), as
    the ``date`` filter wrote it."""
    return moment.astimezone(zone).strftime("%d/%m/%Y %H:%M") if moment is not None else ""


@register.simple_tag
def queue_rows(rows: Any, now: datetime, dossier_url_prefix: str) -> SafeString:
    """The ``<tr>`` of each row of a work-queue page (``selectors_work.QueuePage.rows``). Every value from
    the data goes through ``escape`` (the standard library's, as Django's ``escape`` does, without its
    lazy-string wrapper, which cost more than the escaping)."""
    if not rows:
        return format_html('<tr><td colspan="8">{}</td></tr>', _("Nothing here."))
    unassigned = str(format_html('<span class="tag">{}</span>', _("unassigned")))
    heads_view = str(format_html(' <span class="tag">{}</span>', _("head's view")))
    paused = str(format_html('<span class="badge soon">{}</span>', _("paused: waiting for the applicant")))
    meta = ' class="meta"'
    prefix = escape(dossier_url_prefix)
    badge = page_clock(now).badge
    zone = timezone.get_current_timezone()
    html = []
    for row in rows:
        dossier, agency = row.dossier, row.agency
        code = escape(dossier.code)
        holder = escape(str(row.assignee)) if row.assignee is not None else unassigned
        html.append(
            f"<tr{'' if row.can_act else meta}>"
            f'<td><a class="code" href="{prefix}{code}/#step-{int(row.pk)}">{code}</a></td>'
            f'<td class="cut">{escape(dossier.applicant_name)}</td>'
            f'<td class="cut wide">{escape(dossier.procedure_version.name)}</td>'
            f'<td class="cut">{escape(row.name)}</td>'
            f'<td class="cut">{escape(agency.short_name or agency.name)}</td>'
            f"<td>{holder}{'' if row.can_act else heads_view}</td>"
            f"<td>{_local(row.started_at, zone)}</td>"
            f"<td>{paused if row.is_paused else badge(row.due_at)}</td></tr>"
        )
    return mark_safe("\n".join(html))  # noqa: S308 - every value escaped above
