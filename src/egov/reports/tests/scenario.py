"""A realistic mix of dossier lives, driven through the dossier services (so through the status hook):
received and resolved early, on time and late, refused at the desk and during processing, withdrawn,
supplemented at intake and during processing, extended, left waiting at the desk, received but not
transferred, still processing over a month's end, returned and rated."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any

import time_machine

from egov.core.calendar.selectors import get_calendar
from egov.core.permissions import Role
from egov.dossiers.intake import (
    dossier_receive,
    dossier_refuse,
    dossier_request_supplement,
    dossier_request_withdrawal,
    dossier_stop,
    dossier_supplement,
    dossier_transfer,
)
from egov.dossiers.models import Dossier, DossierStep
from egov.dossiers.processing import (
    dossier_extend,
    dossier_rate,
    dossier_return,
    processing_request_supplement,
    step_complete,
    step_reject,
)
from egov.dossiers.services import dossier_create
from egov.dossiers.tests.conftest import official, publish

SCRIPTS = (
    "resolved",
    "resolved",
    "resolved_late",
    "processing",
    "refused_at_desk",
    "intake_supplement",
    "processing_supplement",
    "waiting_for_supplement",
    "extended",
    "refused_in_processing",
    "withdrawn",
    "new",
    "received",
)


class Mix:
    """People and a procedure of the test province; :meth:`run` lives ``count`` dossiers from ``start``."""

    def __init__(
        self, province: dict[str, Any], applicant: Any, *, apply: Callable[[Callable[[], Any]], Any]
    ) -> None:
        self.province = province
        self.applicant = applicant
        self.apply = apply  # runs a service call so that its after-commit steps run
        self.calendar = get_calendar()
        self.version = publish(province)
        self.desk = official("motcua.mix", province["centre"], Role.ONE_STOP_OFFICER)
        self.specialist = official("chuyenvien.mix", province["justice"], Role.SPECIALIST)
        self.head = official("giamdoc.mix", province["justice"], Role.AGENCY_HEAD)
        for person in (self.desk, self.specialist, self.head):
            person.memberships.update(valid_from=datetime(2025, 1, 1).date())

    @contextmanager
    def at(self, moment: datetime) -> Iterator[datetime]:
        with time_machine.travel(moment, tick=False):
            yield moment

    def later(self, moment: datetime, hours: float) -> datetime:
        return self.calendar.add_working_hours(moment, hours)

    def _step(self, dossier: Dossier) -> DossierStep:
        return DossierStep.objects.get(dossier=dossier, state=DossierStep.State.ACTIVE)

    def live(self, script: str, start: datetime, rng: random.Random) -> Dossier:
        online = rng.random() < 0.5 or script == "withdrawn"
        channel = Dossier.Channel.ONLINE if online else Dossier.Channel.DIRECT
        with self.at(start):
            dossier = self.apply(
                lambda: dossier_create(
                    actor=self.applicant if online else self.desk,
                    version=self.version,
                    receiving_agency=self.province["centre"],
                    channel=channel,
                    applicant=self.applicant,
                    applicant_name="Nguyễn Văn An",
                    applicant_personal_id="037090001234",
                    applicant_phone="0912345678",
                )
            )
        moment = self.later(start, 1)
        if script == "new":
            return dossier
        if script == "withdrawn":
            with self.at(moment):
                self.apply(
                    lambda: dossier_request_withdrawal(
                        actor=self.applicant, dossier=dossier, reason="Không cần nữa", at=moment
                    )
                )
            moment = self.later(moment, 2)
            with self.at(moment):
                self.apply(
                    lambda: dossier_stop(
                        actor=self.desk, dossier=dossier, reason="Người nộp xin rút", at=moment
                    )
                )
            return dossier
        if script == "refused_at_desk":
            with self.at(moment):
                self.apply(
                    lambda: dossier_refuse(
                        actor=self.desk, dossier=dossier, reasons=["Không thuộc thẩm quyền"], at=moment
                    )
                )
            return dossier
        if script == "intake_supplement":
            with self.at(moment):
                self.apply(
                    lambda: dossier_request_supplement(
                        actor=self.desk, dossier=dossier, items=["Bản sao CCCD"], at=moment
                    )
                )
            moment = self.later(moment, 6)
            with self.at(moment):
                self.apply(lambda: dossier_supplement(actor=self.desk, dossier=dossier, at=moment))
            moment = self.later(moment, 1)
        with self.at(moment):
            self.apply(lambda: dossier_receive(actor=self.desk, dossier=dossier, at=moment))
        if script == "received":
            return dossier
        moment = self.later(moment, 1)
        with self.at(moment):
            self.apply(lambda: dossier_transfer(actor=self.desk, dossier=dossier, at=moment))
        dossier.refresh_from_db()
        if script == "processing":
            return dossier
        if script in {"processing_supplement", "waiting_for_supplement"}:
            moment = self.later(moment, 3)
            with self.at(moment):
                self.apply(
                    lambda: processing_request_supplement(
                        actor=self.specialist, step=self._step(dossier), items=["Giấy xác nhận"], at=moment
                    )
                )
            if script == "waiting_for_supplement":
                return dossier
            moment = self.later(moment, 12)
            with self.at(moment):
                self.apply(lambda: dossier_supplement(actor=self.desk, dossier=dossier, at=moment))
        if script == "extended":
            moment = self.later(moment, 2)
            due = dossier.due_at
            assert due is not None
            with self.at(moment):
                self.apply(
                    lambda: dossier_extend(
                        actor=self.head,
                        dossier=dossier,
                        new_due=due + timedelta(days=3),
                        reason="Chờ xác minh",
                        at=moment,
                    )
                )
        if script == "refused_in_processing":
            moment = self.later(moment, 5)
            with self.at(moment):
                self.apply(
                    lambda: step_reject(
                        actor=self.head, step=self._step(dossier), reason="Không đủ điều kiện", at=moment
                    )
                )
            return dossier
        hours = {"resolved_late": 48}.get(script, rng.choice([4, 12, 30, 39]))
        moment = self.later(moment, hours)
        with self.at(moment):
            self.apply(lambda: step_complete(actor=self.specialist, step=self._step(dossier), at=moment))
        moment = self.later(moment, rng.choice([1, 6]))
        method = "online" if online and rng.random() < 0.6 else "counter"
        with self.at(moment):
            self.apply(lambda: dossier_return(actor=self.desk, dossier=dossier, method=method, at=moment))
        if rng.random() < 0.7:
            dossier.refresh_from_db()
            with self.at(moment + timedelta(minutes=10)):
                dossier_rate(dossier=dossier, channel="online", scores={"attitude": rng.choice([2, 4, 5])})
        return dossier

    def run(self, *, start: datetime, days: int, seed: int = 7) -> list[Dossier]:
        rng = random.Random(seed)
        dossiers = []
        day = start
        for index in range(days):
            for offset, script in enumerate(SCRIPTS):
                begin = self.calendar.add_working_hours(day, (offset * 37 % 60) / 10 + index % 3)
                dossiers.append(self.live(script, begin, rng))
            day = self.calendar.add_working_days(day, 1)
        return dossiers
