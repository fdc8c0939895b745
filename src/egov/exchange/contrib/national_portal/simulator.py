"""A simulator of the National Public Service Portal: a small web server, separate from egov-vn, that
plays the portal's side of the connection (docs/national-portal.md).

- It **receives** what egov-vn sends (``DongBoHoSoMC``, ``DongBoKetQuaDienTu``, ``DoiSoatHoSo``) at
  ``/api/dvcqg/``, checks the signature and the body against the schemas of ``wire.py`` (unknown fields
  refused), records each message once per idempotency key, and keeps every dossier's status history (by
  sequence, whatever order the messages come in) and every e-result (checksum and signature checked).
- It **sends** what the portal sends (``TiepNhanHoSoTuDVCQG``, ``YeuCauRutHoSo``, ``XacNhanThanhToan``)
  when told to through its control API, signed like the portal, optionally twice (duplicate deliveries),
  in reverse order, or with a broken signature.
- It can be told to **fail**: answer 500, process then answer 500, answer late (timeouts), drop the
  connection, or refuse with 422; for the next n requests or until told otherwise.

Control API (loopback only, no authentication: a test tool): ``GET /_sim/state``, ``POST /_sim/faults``
``{"mode": ..., "count": n, "delay": s}``, ``POST /_sim/send`` ``{"service", "data", "idempotency_key",
"repeat", "tamper"}`` or ``{"messages": [...], "reverse": true}``, ``POST /_sim/reset``.

Run: ``python -m egov.exchange.contrib.national_portal.simulator --port 8100 --province-url
http://127.0.0.1:8000/api/v1/lienthong/national_portal/`` (secrets from the options or the environment), or
``manage.py national_portal_simulator``, which takes them from egov-vn's settings. No Django import here.
"""

from __future__ import annotations

import argparse
import base64
import binascii
import copy
import hashlib
import json
import os
import sys
import threading
import time
import uuid
from collections.abc import Mapping
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pydantic

from egov.exchange.contrib.national_portal import wire
from egov.exchange.signing import IDEMPOTENCY_HEADER, SignatureProblem, header, verify_request
from egov.exchange.transport import post_signed

API_PATH = "/api/dvcqg/"
FAULT_MODES = ("none", "error_500", "accept_then_500", "timeout", "disconnect", "reject_422")


def sample_dossier(**overrides: Any) -> dict[str, Any]:
    """A valid routed dossier, for tests and demonstrations; ``overrides`` use the portal's field names."""
    now = datetime.now(wire.VIETNAM)
    data: dict[str, Any] = {
        "MaHoSo": f"G22.99-{now:%y%m%d}-{uuid.uuid4().hex[:6].upper()}",
        "MaTTHC": "1.001193",
        "MaDonVi": "H37.30.01",
        "NgayNopHoSo": now.strftime(wire.MOMENT_FORMAT),
        "ChuHoSo": "Nguyễn Văn An",
        "LoaiDoiTuong": "1",
        "LoaiDinhDanh": "1",
        "SoDinhDanh": "037090001234",
        "TaiKhoanDuocXacThucVoiVNeID": "1",
        "SoDienThoai": "0912345678",
        "Email": "an.nguyen@example.vn",
        "DiaChi": "Phường Hoa Lư, tỉnh Ninh Bình",
        "TrichYeuHoSo": "Đề nghị giải quyết thủ tục hành chính",
        "DuLieuBieuMau": {"ho_ten": "Nguyễn Văn An"},
        "TaiLieuNop": [
            {
                "TepDinhKemId": "1",
                "TenTepDinhKem": "Tờ khai",
                "MaThanhPhanHoSo": "TP1",
                "NoiDungTep": base64.b64encode(b"%PDF-1.4\n% simulator\n%%EOF\n").decode(),
            }
        ],
        "DanhSachLePhi": [],
        "DuocThanhToanTrucTuyen": "0",
    }
    data.update(overrides)
    return data


class SimulatorState:
    """What the simulated portal holds; every change under one lock, saved to ``state_file`` if given."""

    def __init__(self, state_file: Path | None = None) -> None:
        self.lock = threading.RLock()
        self.state_file = state_file
        self.faults: dict[str, Any] = {"mode": "none", "remaining": None, "delay": 0.0}
        self.reset()
        if state_file is not None and state_file.exists():
            self.__dict__.update(json.loads(state_file.read_text(encoding="utf-8")))

    def reset(self) -> None:
        self.keys: dict[str, dict[str, Any]] = {}  # idempotency key → what it was and what we answered
        self.dossiers: dict[str, dict[str, Any]] = {}  # MaHoSo → header, history by sequence
        self.results: list[dict[str, Any]] = []
        self.requests: list[dict[str, Any]] = []  # every call received, in order
        self.duplicates = 0
        self.out_of_order = 0
        self.rejected: list[dict[str, Any]] = []
        self.sent: list[dict[str, Any]] = []  # what the simulator pushed to the province and the answers

    def save(self) -> None:
        if self.state_file is None:
            return
        keep = {
            key: value for key, value in self.__dict__.items() if key not in {"lock", "state_file", "faults"}
        }
        self.state_file.write_text(json.dumps(keep, ensure_ascii=False), encoding="utf-8")

    def snapshot(self) -> dict[str, Any]:
        with self.lock:
            dossiers = {}
            for code, dossier in self.dossiers.items():
                history = [dossier["history"][key] for key in sorted(dossier["history"], key=int)]
                dossiers[code] = {**dossier, "history": history, "statuses": _statuses(history)}
            return copy.deepcopy(
                {
                    "dossiers": dossiers,
                    "results": self.results,
                    "requests": self.requests,
                    "duplicates": self.duplicates,
                    "out_of_order": self.out_of_order,
                    "rejected": self.rejected,
                    "sent": self.sent,
                    "faults": self.faults,
                }
            )

    def take_fault(self) -> tuple[str, float]:
        with self.lock:
            mode = self.faults["mode"]
            if mode == "none":
                return "none", 0.0
            remaining = self.faults["remaining"]
            if remaining is not None:
                if remaining <= 0:
                    self.faults = {"mode": "none", "remaining": None, "delay": 0.0}
                    return "none", 0.0
                self.faults["remaining"] = remaining - 1
            return mode, float(self.faults.get("delay") or 0.0)


def _statuses(history: list[dict[str, Any]]) -> list[int]:
    """The status codes in sequence order; a re-sent copy of the same event (same status, same moment)
    counts once."""
    codes: list[int] = []
    last: tuple[Any, Any] | None = None
    for entry in history:
        current = (entry["TrangThai"], entry["ThoiDiemXuLy"])
        if current != last:
            codes.append(int(entry["TrangThai"]))
        last = current
    return codes


class PortalSimulator:
    def __init__(
        self,
        *,
        province_url: str,
        accepted_key_id: str,
        accepted_secret: str,
        portal_key_id: str,
        portal_secret: str,
        host: str = "127.0.0.1",
        port: int = 0,
        state_file: Path | None = None,
        quiet: bool = True,
    ) -> None:
        self.province_url = province_url
        self.accepted_key_id = accepted_key_id
        self.accepted_secret = accepted_secret
        self.portal_key_id = portal_key_id
        self.portal_secret = portal_secret
        self.state = SimulatorState(state_file)
        self.quiet = quiet
        simulator = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                if not simulator.quiet:
                    super().log_message(format, *args)

            def do_GET(self) -> None:
                if urlsplit(self.path).path == "/_sim/state":
                    self._json(200, simulator.state.snapshot())
                else:
                    self._json(404, {"error_code": 1, "message": "not found"})

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                path = urlsplit(self.path).path
                if path == API_PATH:
                    simulator.handle_api(self, body)
                elif path.startswith("/_sim/"):
                    simulator.handle_control(self, path, body)
                else:
                    self._json(404, {"error_code": 1, "message": "not found"})

            def _json(self, status: int, payload: Any) -> None:
                raw = json.dumps(payload, ensure_ascii=False).encode("utf-8")
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

        self.server = ThreadingHTTPServer((host, port), Handler)
        self.server.daemon_threads = True
        self.thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def api_url(self) -> str:
        return f"{self.url}{API_PATH}"

    def start(self) -> PortalSimulator:
        self.thread = threading.Thread(target=self.server.serve_forever, name="portal-simulator", daemon=True)
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    # --- the portal's API: what egov-vn sends ------------------------------------------------------------

    def handle_api(self, request: Any, body: bytes) -> None:
        state = self.state
        headers = dict(request.headers.items())
        key = header(headers, IDEMPOTENCY_HEADER)
        try:
            verify_request(
                headers=headers,
                method="POST",
                path=request.path,
                body=body,
                key_id=self.accepted_key_id,
                secrets=[self.accepted_secret],
            )
        except SignatureProblem as problem:
            self._refuse(request, 401, problem.code, [], key)
            return
        mode, delay = state.take_fault()
        if mode == "disconnect":
            request.close_connection = True
            request.connection.shutdown(2)
            return
        if mode == "error_500":
            request._json(500, {"error_code": 1, "message": "simulated failure"})
            return
        if mode == "reject_422":
            self._refuse(request, 422, "simulated_refusal", [], key)
            return
        try:
            envelope = json.loads(body.decode("utf-8"))
            service = envelope["service"]
            model = wire.OUTBOUND_MODELS[service]
            data = model.model_validate(envelope.get("data"))
        except pydantic.ValidationError as error:
            errors = [{"field": ".".join(map(str, e["loc"])), "type": e["type"]} for e in error.errors()]
            self._refuse(request, 422, "schema", errors, key)
            return
        except (UnicodeDecodeError, ValueError, KeyError, TypeError):
            self._refuse(request, 400, "envelope", [], key)
            return
        if mode == "timeout":
            time.sleep(delay or 5.0)
        status, answer = self._apply(service, data, envelope.get("data") or {}, key)
        if mode == "accept_then_500":
            request._json(500, {"error_code": 1, "message": "simulated failure after processing"})
            return
        request._json(status, answer)

    def _refuse(self, request: Any, status: int, code: str, errors: list[Any], key: str) -> None:
        with self.state.lock:
            self.state.rejected.append({"status": status, "code": code, "errors": errors, "key": key})
            self.state.save()
        request._json(status, {"error_code": 1, "code": code, "message": code, "errors": errors})

    def _apply(self, service: str, data: Any, raw: Mapping[str, Any], key: str) -> tuple[int, dict[str, Any]]:
        state = self.state
        with state.lock:
            state.requests.append({"service": service, "key": key, "at": time.time()})
            if key in state.keys:
                state.duplicates += 1
                state.save()
                return 200, state.keys[key]["answer"]
            if isinstance(data, wire.DossierSyncOut):
                answer = self._sync(data, raw)
            elif isinstance(data, wire.EResultOut):
                problem = _check_result(data)
                if problem:
                    state.rejected.append({"status": 422, "code": problem, "errors": [], "key": key})
                    state.save()
                    return 422, {"error_code": 1, "code": problem, "message": problem}
                state.results.append({**wire.dump(data), "key": key})
                answer = wire.answer()
            else:
                answer = self._reconcile(data)
            if service != wire.SERVICE_RECONCILE:
                state.keys[key] = {"service": service, "answer": answer}
            state.save()
            return 200, answer

    def _sync(self, data: wire.DossierSyncOut, raw: Mapping[str, Any]) -> dict[str, Any]:
        dossiers = self.state.dossiers
        dossier = dossiers.setdefault(
            data.national_code, {"history": {}, "header": {}, "local_code": data.local_code}
        )
        sequence = str(data.progress.sequence)
        seen = [int(key) for key in dossier["history"]]
        if seen and data.progress.sequence < max(seen):
            self.state.out_of_order += 1
        if sequence not in dossier["history"]:
            dossier["history"][sequence] = {
                **raw["QuaTrinhXuLy"],
                "DanhSachPhieu": raw.get("DanhSachPhieu", []),
            }
        if not seen or data.progress.sequence >= max(seen):
            dossier["header"] = {key: value for key, value in raw.items() if key != "QuaTrinhXuLy"}
        dossier["local_code"] = data.local_code
        return wire.answer({"MaHoSo": data.national_code})

    def _reconcile(self, data: wire.ReconcileOut) -> dict[str, Any]:
        listed = []
        for code, dossier in self.state.dossiers.items():
            submitted = str(dossier["header"].get("NgayNopHoSo", ""))[:8]
            if not (data.date_from <= submitted <= data.date_to) or not dossier["history"]:
                continue
            last = dossier["history"][max(dossier["history"], key=int)]
            listed.append(
                {"MaHoSoMotCua": dossier["local_code"], "MaHoSo": code, "TrangThaiHoSo": last["TrangThai"]}
            )
        return wire.answer({"DanhSachHoSo": listed})

    # --- control: what tests and demonstrations ask of the simulator --------------------------------------

    def handle_control(self, request: Any, path: str, body: bytes) -> None:
        try:
            command = json.loads(body.decode("utf-8")) if body else {}
        except (UnicodeDecodeError, ValueError):
            request._json(400, {"message": "not json"})
            return
        if path == "/_sim/reset":
            with self.state.lock:
                self.state.reset()
                self.state.faults = {"mode": "none", "remaining": None, "delay": 0.0}
                self.state.save()
            request._json(200, {"ok": True})
        elif path == "/_sim/faults":
            mode = command.get("mode", "none")
            if mode not in FAULT_MODES:
                request._json(400, {"message": f"mode must be one of {', '.join(FAULT_MODES)}"})
                return
            with self.state.lock:
                self.state.faults = {
                    "mode": mode,
                    "remaining": command.get("count"),
                    "delay": command.get("delay", 0),
                }
            request._json(200, {"faults": self.state.faults})
        elif path == "/_sim/send":
            messages = command.get("messages") or [command]
            if command.get("reverse"):
                messages = list(reversed(messages))
            request._json(
                200, {"responses": [response for message in messages for response in self.send(**message)]}
            )
        else:
            request._json(404, {"message": "unknown control"})

    def send(
        self,
        *,
        service: str,
        data: Any,
        idempotency_key: str | None = None,
        repeat: int = 1,
        tamper: bool = False,
        key_id: str | None = None,
    ) -> list[dict[str, Any]]:
        """Call the province as the portal does; ``repeat`` sends the very same message that many times."""
        key = idempotency_key or f"dvcqg-{uuid.uuid4()}"
        responses = []
        for _attempt in range(max(1, int(repeat))):
            outcome = post_signed(
                url=self.province_url,
                payload=wire.envelope(service, data),
                key_id=key_id or self.portal_key_id,
                secret=(self.portal_secret + "-tampered") if tamper else self.portal_secret,
                idempotency_key=key,
                timeout=60,
            )
            response = {"status": outcome.status, "body": outcome.body, "error": outcome.error, "key": key}
            with self.state.lock:
                self.state.sent.append({"service": service, **response})
                self.state.save()
            responses.append(response)
        return responses


def _check_result(data: wire.EResultOut) -> str:
    try:
        content = base64.b64decode(data.file.content_base64, validate=True)
    except (binascii.Error, ValueError):
        return "file_not_base64"
    if hashlib.sha256(content).hexdigest() != data.file.sha256 or len(content) != data.file.size:
        return "file_checksum"
    if not content.startswith(b"%PDF-") or b"/ByteRange" not in content:
        return "file_not_signed_pdf"
    return ""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Simulator of the National Public Service Portal.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8100)
    parser.add_argument(
        "--province-url",
        default=os.environ.get(
            "SIMULATOR_PROVINCE_URL", "http://127.0.0.1:8000/api/v1/lienthong/national_portal/"
        ),
    )
    parser.add_argument("--accepted-key-id", default=os.environ.get("NATIONAL_PORTAL_CLIENT_ID", "egov-demo"))
    parser.add_argument("--accepted-secret", default=os.environ.get("NATIONAL_PORTAL_CLIENT_SECRET", ""))
    parser.add_argument("--portal-key-id", default=os.environ.get("NATIONAL_PORTAL_INBOUND_KEY_ID", "dvcqg"))
    parser.add_argument("--portal-secret", default=os.environ.get("NATIONAL_PORTAL_INBOUND_SECRET", ""))
    parser.add_argument("--state-file", type=Path, default=None)
    parser.add_argument("--verbose", action="store_true")
    options = parser.parse_args(argv)
    if not options.accepted_secret or not options.portal_secret:
        print(
            "Both secrets are needed (--accepted-secret, --portal-secret or the environment).",
            file=sys.stderr,
        )
        return 2
    simulator = PortalSimulator(
        province_url=options.province_url,
        accepted_key_id=options.accepted_key_id,
        accepted_secret=options.accepted_secret,
        portal_key_id=options.portal_key_id,
        portal_secret=options.portal_secret,
        host=options.host,
        port=options.port,
        state_file=options.state_file,
        quiet=not options.verbose,
    )
    print(f"listening on {simulator.url}", flush=True)
    try:
        simulator.server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        simulator.server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
