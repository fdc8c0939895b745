from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from egov.accounts.models import User
from egov.accounts.selectors import user_has_permission
from egov.core.permissions import Permission
from egov.queueing.models import Counter, TicketLine
from egov.queueing.selectors import lines_served_by

pytestmark = pytest.mark.django_db


def load() -> str:
    out = StringIO()
    call_command("load_demo_queueing", stdout=out)
    return out.getvalue()


def test_the_demo_queues_load_once_at_every_one_stop_centre():
    call_command("load_demo_province", stdout=StringIO())

    first = load()
    second = load()

    # six centres: the provincial one with three lines, five communes with two; three counters each
    assert first == "Demo queues ready at 6 centres (31 lines and counters created).\n"
    assert second == "Demo queues ready at 6 centres (0 lines and counters created).\n"
    assert TicketLine.objects.count() == 13
    assert Counter.objects.filter(is_open=True).count() == 18
    provincial = {c.number: c for c in Counter.objects.filter(centre__code="H37.01.01")}
    assert [line.letter for line in lines_served_by(counter=provincial[1])] == ["A"]
    assert [line.letter for line in lines_served_by(counter=provincial[2])] == ["B"]
    assert [line.letter for line in lines_served_by(counter=provincial[3])] == ["A", "B", "C"]
    officer = User.objects.get(username="motcua")
    assert user_has_permission(
        user=officer, permission=Permission.DOSSIER_RECEIVE, agency=provincial[1].centre
    )


def test_the_demo_queues_need_the_demo_province():
    with pytest.raises(CommandError):
        load()
    assert TicketLine.objects.count() == 0
