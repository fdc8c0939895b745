"""A province with a one-stop centre and a Department of Justice, its officers and a published
criminal-record procedure; the national portal's connection configured; and the simulator, a separate
process speaking HTTP on a loopback port, started and stopped by the tests that use it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.request
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from egov.accounts.models import Agency, Membership, User
from egov.catalog.services import procedure_version_write
from egov.core.permissions import Role
from egov.exchange.contrib.national_portal import wire
from egov.exchange.contrib.national_portal.simulator import sample_dossier

SRC = Path(__file__).resolve().parents[5]
CLIENT_ID = "egov-test"
CLIENT_SECRET = "out-secret-" + "a" * 32
INBOUND_KEY_ID = "dvcqg-test"
INBOUND_SECRET = "in-secret-" + "b" * 32
HOLDER_ID = "037090001234"
PROCEDURE_CODE = "2.000488"
CENTRE_CODE = "H98.01"


def peer_config(url: str, **extra: Any) -> dict[str, Any]:
    return {
        "national_portal": {
            "connector": "national_portal",
            "url": url,
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
            "inbound_key_id": INBOUND_KEY_ID,
            "inbound_secret": INBOUND_SECRET,
            "timeout": 3.0,
            **extra,
        }
    }


@pytest.fixture
def connected(settings):
    """The connection configured towards an address nobody listens on (unit tests deliver nothing)."""
    settings.EXCHANGE_PEERS = peer_config("http://127.0.0.1:9/api/dvcqg/")
    return settings


@pytest.fixture
def province(db):
    root = Agency.objects.create(code="H98", name="Ủy ban nhân dân tỉnh Thử", level=Agency.Level.PROVINCE)
    centre = Agency.objects.create(
        code=CENTRE_CODE, name="Trung tâm Phục vụ hành chính công tỉnh", level="one_stop_centre", parent=root
    )
    justice = Agency.objects.create(code="H98.03", name="Sở Tư pháp", level="department", parent=root)
    return {"root": root, "centre": centre, "justice": justice}


def official(username: str, agency: Agency, role: str, full_name: str = "") -> User:
    user = User.objects.create_user(
        username, password="x", kind=User.Kind.OFFICIAL, full_name=full_name or username
    )
    Membership.objects.create(user=user, agency=agency, role=role, valid_from=date(2025, 7, 1))
    return user


@pytest.fixture
def people(province):
    return {
        "desk": official("motcua", province["centre"], Role.ONE_STOP_OFFICER, "Lê Thị Hà"),
        "specialist": official("chuyenvien.stp", province["justice"], Role.SPECIALIST, "Phạm Minh Tuấn"),
        "head": official("giamdoc.stp", province["justice"], Role.AGENCY_HEAD, "Đỗ Quang Vinh"),
        "admin": official("quantri", province["root"], Role.ADMINISTRATOR, "Nguyễn Văn Quản"),
    }


@pytest.fixture
def procedure(province):
    return procedure_version_write(
        actor=None,
        national_code=PROCEDURE_CODE,
        field_name="Lý lịch tư pháp",
        data={
            "name": "Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam",
            "level": "province",
            "processing_days": 10,
            "result_type": "Phiếu lý lịch tư pháp",
            "result_type_code": "LLTP",
        },
        papers=[{"order": 1, "name": "Tờ khai"}],
        steps=[
            {
                "order": 1,
                "name": "Thẩm định",
                "agency_id": province["justice"].pk,
                "role": "specialist",
                "quota_hours": Decimal(80),
            }
        ],
        agency_ids=[province["justice"].pk],
        publish=True,
    )


def routed_dossier(**overrides: Any) -> dict[str, Any]:
    """A dossier as the portal routes it to the test province."""
    return sample_dossier(
        **{"MaTTHC": PROCEDURE_CODE, "MaDonVi": CENTRE_CODE, "SoDinhDanh": HOLDER_ID, **overrides}
    )


RESULT_BODY = {
    "document_type": "certificate",
    "summary": "Về việc cấp Phiếu lý lịch tư pháp số 1",
    "particulars": [["Họ và tên", "Nguyễn Văn An"], ["Tình trạng án tích", "Không có án tích"]],
}


class Simulator:
    """The simulator in a process of its own; the tests talk to it over HTTP, as egov-vn does."""

    def __init__(self, *, province_url: str, state_file: Path) -> None:
        self.province_url = province_url
        self.state_file = state_file
        self.port = 0
        self.process: subprocess.Popen[str] | None = None
        self.start()

    def start(self) -> None:
        command = [
            sys.executable, "-m", "egov.exchange.contrib.national_portal.simulator",
            "--port", str(self.port), "--province-url", self.province_url,
            "--accepted-key-id", CLIENT_ID, "--accepted-secret", CLIENT_SECRET,
            "--portal-key-id", INBOUND_KEY_ID, "--portal-secret", INBOUND_SECRET,
            "--state-file", str(self.state_file),
        ]  # fmt: skip
        environment = {**os.environ, "PYTHONPATH": str(SRC)}
        self.process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, env=environment)
        assert self.process.stdout is not None
        line = self.process.stdout.readline().strip()
        assert line.startswith("listening on http://127.0.0.1:"), line
        self.port = int(line.rsplit(":", 1)[1])

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_url(self) -> str:
        return f"{self.url}/api/dvcqg/"

    def _call(self, path: str, payload: Any = None) -> Any:
        data = json.dumps(payload).encode() if payload is not None else None
        request = urllib.request.Request(
            f"{self.url}{path}", data=data, method="POST" if data is not None else "GET"
        )
        with urllib.request.urlopen(request, timeout=60) as response:
            return json.loads(response.read())

    def state(self) -> dict[str, Any]:
        return self._call("/_sim/state")

    def faults(self, mode: str, count: int | None = None, delay: float = 0) -> None:
        self._call("/_sim/faults", {"mode": mode, "count": count, "delay": delay})

    def send(self, service: str, data: Any, **options: Any) -> list[dict[str, Any]]:
        return self._call("/_sim/send", {"service": service, "data": data, **options})["responses"]

    def send_many(self, messages: list[dict[str, Any]], *, reverse: bool = False) -> list[dict[str, Any]]:
        return self._call("/_sim/send", {"messages": messages, "reverse": reverse})["responses"]

    def push(self, data: dict[str, Any], **options: Any) -> dict[str, Any]:
        responses = self.send(wire.SERVICE_DOSSIER, data, **options)
        return responses[-1]


@pytest.fixture
def simulator(live_server, settings, tmp_path):
    portal = Simulator(
        province_url=f"{live_server.url}/api/v1/lienthong/national_portal/",
        state_file=tmp_path / "portal.json",
    )
    settings.EXCHANGE_PEERS = peer_config(portal.api_url)
    yield portal
    portal.stop()
