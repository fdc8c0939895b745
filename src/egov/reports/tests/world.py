"""A small province with hand-counted March 2026 figures (the calendar of March 2026 has no holidays;
weekends 7–8, 14–15, 21–22, 28–29):

- Sở Tư pháp (department): 4 dossiers of a 3-working-day procedure received Mon 2 March 09:00 — resolved
  on Tue 3 March (early), on Wed 4 March (early), on Thu 5 March 09:00 (on time, the appointment's day),
  on Fri 20 March (late) → on time 3 of 4 = 75,00%;
- UBND phường Một (commune): 2 dossiers received the same day, resolved on 20 and 25 March (late) → 0,00%;
- the province: 3 of 6 = 50,00%; one more dossier of the commune received on 30 March, still in
  progress (within its time limit) at the end of March.
Applicants have names, personal ID numbers and phone numbers that must never appear in public figures."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from egov.accounts.models import User
from egov.catalog.tests.factories import FieldFactory, ProcedureVersionFactory
from egov.core.calendar.selectors import get_calendar
from egov.core.permissions import Role
from egov.dossiers.models import Dossier, Rating, Status
from egov.dossiers.tests.conftest import official
from egov.dossiers.tests.test_statistics import VN, make_dossier

APPLICANTS = [
    ("Nguyễn Văn Bí Mật", "037090009999", "0912000111"),
    ("Trần Thị Riêng Tư", "036195008888", "0988000222"),
]


def march(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 3, day, hour, minute, tzinfo=VN)


def build(province: dict[str, Any]) -> dict[str, Any]:
    calendar = get_calendar()
    field = FieldFactory(code="ly-lich-tu-phap", name="Lý lịch tư pháp")
    version = ProcedureVersionFactory(
        published=True, processing_days=3, field=field, name="Cấp Phiếu lý lịch tư pháp"
    )
    version.implementing_agencies.set([province["justice"], province["commune"]])
    received = march(2, 9)
    due = calendar.add_working_days(received, 3)
    dossiers: list[Dossier] = []

    def resolved(agency: Any, finished: datetime, index: int) -> Dossier:
        name, personal_id, phone = APPLICANTS[index % 2]
        dossier = make_dossier(
            version,
            province["centre"],
            received_at=received,
            due_at=due,
            processing_agency=agency,
            status=Status.RETURNED,
            processed_at=finished,
            returned_at=finished,
            closed_at=finished,
            channel=Dossier.Channel.ONLINE if index % 2 else Dossier.Channel.DIRECT,
            applicant_name=name,
            applicant_personal_id=personal_id,
            applicant_phone=phone,
        )
        dossiers.append(dossier)
        return dossier

    for index, finished in enumerate([march(3, 10), march(4, 10), march(5, 9), march(20, 10)]):
        resolved(province["justice"], finished, index)
    for index, finished in enumerate([march(20, 10), march(25, 10)]):
        late = resolved(province["commune"], finished, index)
    Rating.objects.create(dossier=late, channel="online", scores={"attitude": 2}, is_satisfied=False)
    open_one = make_dossier(
        version,
        province["commune_centre"],
        received_at=march(30, 9),
        due_at=calendar.add_working_days(march(30, 9), 3),
        processing_agency=province["commune"],
        status=Status.PROCESSING,
        applicant_name=APPLICANTS[0][0],
        applicant_personal_id=APPLICANTS[0][1],
        applicant_phone=APPLICANTS[0][2],
    )
    people = {
        "leader": official("lanhdao.tinh", province["root"], Role.LEADER),
        "commune_head": official("chutich.phuong", province["commune"], Role.AGENCY_HEAD),
        "justice_head": official("giamdoc.stp", province["justice"], Role.AGENCY_HEAD),
        "specialist": official("chuyenvien.stp", province["justice"], Role.SPECIALIST),
        "citizen": User.objects.create_user(
            "036195008888",
            password="x",
            kind=User.Kind.CITIZEN,
            personal_id="036195008888",
            full_name="Trần Thị Riêng Tư",
        ),
    }
    for person in people.values():
        person.memberships.update(valid_from="2025-01-01")
    return {
        "version": version,
        "dossiers": dossiers,
        "open": open_one,
        "people": people,
        "province": province,
    }
