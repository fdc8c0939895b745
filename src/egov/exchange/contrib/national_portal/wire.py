"""The wire format of the National Public Service Portal (Cổng Dịch vụ công quốc gia), in one place.

Every field name the portal sees is an ``alias`` here, so that when the official integration guide
(QCVN 120:2019 and TT 04/2025's data list) is at hand, the names are corrected in this module only.
What is known and what is assumed is written in docs/national-portal.md:

- ``DongBoHoSoMC`` and its fields (MaHoSo, MaTTHC, ChuHoSo, NgayTiepNhan, NgayHenTra, TrangThaiHoSo, …),
  the progress fields (NguoiXuLy, ThoiDiemXuLy, PhongBanXuLy, NoiDungXuLy, NgayKetThucTheoQuyDinh), the
  moment format ``yyyyMMddHHmmss`` in Vietnam time and ``error_code`` 0 for success are those used by
  provincial systems connected to the portal today [S];
- the flags TaiKhoanDuocXacThucVoiVNeID, DuocThanhToanTrucTuyen, HoSoCoThanhPhanSoHoa, DuocLayTuKhoDMQG
  are those of the Decision 766 indicators [S];
- the names of the inbound services, the e-result and reconciliation services and their fields are
  assumptions [M].

No Django import: the simulator (a separate process) validates with these same models.
"""

from __future__ import annotations

import base64
import binascii
from datetime import date, datetime
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator, model_validator

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
MOMENT_FORMAT = "%Y%m%d%H%M%S"
DAY_FORMAT = "%Y%m%d"

# Services: inbound (the portal calls us) and outbound (we call the portal).
SERVICE_DOSSIER = "TiepNhanHoSoTuDVCQG"  # [M] a dossier routed to the province by the coordination system
SERVICE_WITHDRAWAL = "YeuCauRutHoSo"  # [M] the applicant asks to withdraw (Decree 118/2025 Art. 21)
SERVICE_PAYMENT = "XacNhanThanhToan"  # [M] the portal's payment platform confirms a payment
SERVICE_SUPPLEMENT = "BoSungHoSo"  # [M] the applicant supplements on the portal (Decree 118/2025 Art. 17.1c)
SERVICE_SYNC = "DongBoHoSoMC"  # [S] every status change of every dossier
SERVICE_RESULT = "DongBoKetQuaDienTu"  # [M] an e-result to the holder's national e-store
SERVICE_RECONCILE = "DoiSoatHoSo"  # [M] what the portal holds for a period (indicator 1.4)
INBOUND_SERVICES = (SERVICE_DOSSIER, SERVICE_WITHDRAWAL, SERVICE_PAYMENT, SERVICE_SUPPLEMENT)
OUTBOUND_SERVICES = (SERVICE_SYNC, SERVICE_RESULT, SERVICE_RECONCILE)

# KenhThucHien: 1 direct, 2 online, 3 public postal service (spec §1).
CHANNEL_CODES = {"direct": "1", "online": "2", "postal": "3"}
# LoaiDoiTuong: 1 citizen, 2 organisation.
ApplicantType = Literal["1", "2"]
IdentityType = Literal["1", "2", "3"]
PaidOnline = Literal["0", "1", "2"]
APPLICANT_CITIZEN: ApplicantType = "1"
APPLICANT_ORGANISATION: ApplicantType = "2"
# LoaiDinhDanh [M]: 1 personal identification number, 2 other identity paper, 3 enterprise or tax code.
IDENTITY_PERSONAL_ID: IdentityType = "1"
IDENTITY_OTHER: IdentityType = "2"
IDENTITY_TAX_CODE: IdentityType = "3"
# DuocThanhToanTrucTuyen (indicator 3.6): 0 no, 1 through the portal's payment platform, 2 a local gateway.
PAID_NOT_ONLINE: PaidOnline = "0"
PAID_ON_NATIONAL_PORTAL: PaidOnline = "1"
PAID_LOCAL_GATEWAY: PaidOnline = "2"
# LoaiKetQua [M]: 1 the result, 2 a notice refusing it.
RESULT_KIND_RESULT, RESULT_KIND_REJECTION = "1", "2"
# The one-stop slips (forms of TT 03/2025 Appendix I) by their number.
SLIP_FORMS = {
    "receipt": "01",
    "supplement_request": "02",
    "refusal": "03",
    "apology": "04",
    "stop_notice": "05",
}


def moment_to_wire(value: datetime | None) -> str:
    return value.astimezone(VIETNAM).strftime(MOMENT_FORMAT) if value else ""


def moment_from_wire(value: str) -> datetime:
    return datetime.strptime(value, MOMENT_FORMAT).replace(tzinfo=VIETNAM)


def day_to_wire(value: date) -> str:
    return value.strftime(DAY_FORMAT)


def _moment(value: Any) -> Any:
    if isinstance(value, str) and value:
        try:
            return moment_from_wire(value)
        except ValueError as error:
            raise ValueError("moment_format") from error
    return value


def _flag(value: Any) -> Any:
    """The portal writes flags as "0"/"1"; accept booleans and numbers too."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | str) and str(value).strip() in {"0", "1"}:
        return str(value).strip() == "1"
    return value


Moment = Annotated[datetime, BeforeValidator(_moment)]
Flag = Annotated[bool, BeforeValidator(_flag)]
Text = Annotated[str, Field(max_length=2000)]


class WireModel(BaseModel):
    """What we receive: unknown fields are ignored, so that the portal can add fields without breaking us."""

    model_config = ConfigDict(populate_by_name=True, extra="ignore", str_strip_whitespace=True)


class SentModel(BaseModel):
    """What we send: the simulator refuses unknown fields, so that a misspelt name fails the tests."""

    model_config = ConfigDict(populate_by_name=True, extra="forbid")


# --- inbound --------------------------------------------------------------------------------------------


class PaperIn(WireModel):
    file_id: str = Field("", alias="TepDinhKemId", max_length=100)
    name: str = Field(alias="TenTepDinhKem", min_length=1, max_length=500)
    paper_code: str = Field("", alias="MaThanhPhanHoSo", max_length=100)
    content_base64: str = Field("", alias="NoiDungTep", repr=False)
    from_national_estore: Flag = Field(False, alias="DuocLayTuKhoDMQG")
    estore_code: str = Field("", alias="MaGiayToKho", max_length=100)
    url: str = Field("", alias="DuongDanTaiTepTin", max_length=1000)

    @model_validator(mode="after")
    def _has_content(self) -> PaperIn:
        if not (self.content_base64 or self.estore_code or self.url):
            raise ValueError("paper_without_content")
        if self.from_national_estore and not self.estore_code:
            raise ValueError("estore_code_missing")
        return self

    def content(self) -> bytes:
        try:
            return base64.b64decode(self.content_base64, validate=True)
        except (binascii.Error, ValueError) as error:
            raise ValueError("base64") from error


class FeeIn(WireModel):
    code: str = Field("", alias="MaPhiLePhi", max_length=50)
    name: str = Field(alias="TenPhiLePhi", min_length=1, max_length=255)
    amount: int = Field(alias="Gia", ge=0)
    kind: str = Field("1", alias="LoaiPhiLePhi", max_length=2)


class PaymentIn(WireModel):
    reference: str = Field(alias="MaGiaoDich", min_length=1, max_length=100)
    amount: int = Field(alias="SoTien", gt=0)
    paid_at: Moment = Field(alias="NgayThanhToan")


class DossierIn(WireModel):
    """A dossier the portal routes to us (service ``TiepNhanHoSoTuDVCQG``)."""

    national_code: str = Field(alias="MaHoSo", min_length=1, max_length=64)
    procedure_code: str = Field(alias="MaTTHC", min_length=1, max_length=32)
    agency_code: str = Field(alias="MaDonVi", min_length=1, max_length=64)
    submitted_at: Moment = Field(alias="NgayNopHoSo")
    applicant_name: str = Field(alias="ChuHoSo", min_length=1, max_length=255)
    applicant_type: Literal["1", "2"] = Field(APPLICANT_CITIZEN, alias="LoaiDoiTuong")
    identity_type: Literal["1", "2", "3"] = Field(IDENTITY_PERSONAL_ID, alias="LoaiDinhDanh")
    identity_number: str = Field("", alias="SoDinhDanh", max_length=40)
    is_vneid_authenticated: Flag = Field(False, alias="TaiKhoanDuocXacThucVoiVNeID")
    phone: str = Field("", alias="SoDienThoai", max_length=20)
    email: str = Field("", alias="Email", max_length=254)
    address: str = Field("", alias="DiaChi", max_length=500)
    authorised_person: str = Field("", alias="NguoiUyQuyen", max_length=255)
    summary: Text = Field("", alias="TrichYeuHoSo")
    form_data: dict[str, Any] = Field(default_factory=dict, alias="DuLieuBieuMau")
    papers: list[PaperIn] = Field(default_factory=list, alias="TaiLieuNop", max_length=100)
    fees: list[FeeIn] = Field(default_factory=list, alias="DanhSachLePhi", max_length=50)
    paid_online: Literal["0", "1", "2"] = Field(PAID_NOT_ONLINE, alias="DuocThanhToanTrucTuyen")
    payment: PaymentIn | None = Field(None, alias="ThanhToan")

    @field_validator("paid_online", mode="before")
    @classmethod
    def _paid_as_text(cls, value: Any) -> Any:
        return str(value) if isinstance(value, int) else value

    @model_validator(mode="after")
    def _payment_when_paid(self) -> DossierIn:
        if self.paid_online != PAID_NOT_ONLINE and self.payment is None:
            raise ValueError("payment_missing")
        return self


class WithdrawalIn(WireModel):
    national_code: str = Field(alias="MaHoSo", min_length=1, max_length=64)
    reason: str = Field(alias="LyDo", min_length=1, max_length=2000)
    requested_at: Moment = Field(alias="NgayYeuCau")


class PaymentConfirmationIn(WireModel):
    national_code: str = Field(alias="MaHoSo", min_length=1, max_length=64)
    reference: str = Field(alias="MaGiaoDich", min_length=1, max_length=100)
    amount: int = Field(alias="SoTien", gt=0)
    paid_at: Moment = Field(alias="NgayThanhToan")
    channel: Literal["1", "2"] = Field("1", alias="KenhThanhToan")


class SupplementIn(WireModel):
    """What the applicant added on the portal after a request to supplement."""

    national_code: str = Field(alias="MaHoSo", min_length=1, max_length=64)
    note: str = Field("", alias="NoiDungBoSung", max_length=2000)
    supplemented_at: Moment = Field(alias="NgayBoSung")
    papers: list[PaperIn] = Field(default_factory=list, alias="TaiLieuNop", max_length=100)


INBOUND_MODELS: dict[str, type[WireModel]] = {
    SERVICE_SUPPLEMENT: SupplementIn,
    SERVICE_DOSSIER: DossierIn,
    SERVICE_WITHDRAWAL: WithdrawalIn,
    SERVICE_PAYMENT: PaymentConfirmationIn,
}


# --- outbound -------------------------------------------------------------------------------------------


class ProgressOut(SentModel):
    """One step of the dossier's history: the status change this message reports."""

    sequence: int = Field(alias="SoThuTu", ge=1)
    status: int = Field(alias="TrangThai", ge=1, le=10)
    at: str = Field(alias="ThoiDiemXuLy", pattern=r"^\d{14}$")
    handler: str = Field("", alias="NguoiXuLy")
    handler_title: str = Field("", alias="ChucDanh")
    handler_unit: str = Field("", alias="PhongBanXuLy")
    content: str = Field("", alias="NoiDungXuLy")
    due_at: str = Field("", alias="NgayKetThucTheoQuyDinh", pattern=r"^(\d{14})?$")


class SlipOut(SentModel):
    form: str = Field(alias="LoaiPhieu")
    name: str = Field(alias="TenPhieu")
    issued_at: str = Field(alias="NgayBanHanh", pattern=r"^\d{14}$")
    content: dict[str, Any] = Field(default_factory=dict, alias="NoiDung")


class DossierSyncOut(SentModel):
    """``DongBoHoSoMC``: the dossier as it stands and the status change being reported."""

    national_code: str = Field(alias="MaHoSo", min_length=1)
    local_code: str = Field(alias="MaHoSoMotCua", min_length=1)
    procedure_code: str = Field(alias="MaTTHC", min_length=1)
    procedure_name: str = Field(alias="TenTTHC")
    agency_code: str = Field(alias="MaDonVi", min_length=1)
    processing_unit: str = Field("", alias="DonViXuLy")
    channel: Literal["1", "2", "3"] = Field(alias="KenhThucHien")
    applicant_name: str = Field(alias="ChuHoSo")
    applicant_type: Literal["1", "2"] = Field(alias="LoaiDoiTuong")
    identity_type: Literal["1", "2", "3"] = Field(alias="LoaiDinhDanh")
    identity_number: str = Field("", alias="SoDinhDanh")
    is_vneid_authenticated: Literal["0", "1"] = Field(alias="TaiKhoanDuocXacThucVoiVNeID")
    submitted_at: str = Field(alias="NgayNopHoSo", pattern=r"^(\d{14})?$")
    received_at: str = Field("", alias="NgayTiepNhan", pattern=r"^(\d{14})?$")
    due_at: str = Field("", alias="NgayHenTra", pattern=r"^(\d{14})?$")
    processed_at: str = Field("", alias="NgayKetThucXuLy", pattern=r"^(\d{14})?$")
    returned_at: str = Field("", alias="NgayTra", pattern=r"^(\d{14})?$")
    status: int = Field(alias="TrangThaiHoSo", ge=1, le=10)
    paid_online: Literal["0", "1", "2"] = Field(alias="DuocThanhToanTrucTuyen")
    has_digitised_papers: Literal["0", "1"] = Field(alias="HoSoCoThanhPhanSoHoa")
    progress: ProgressOut = Field(alias="QuaTrinhXuLy")
    slips: list[SlipOut] = Field(default_factory=list, alias="DanhSachPhieu")


class ResultFileOut(SentModel):
    name: str = Field(alias="TenTep")
    content_type: Literal["application/pdf"] = Field(alias="DinhDang")
    size: int = Field(alias="KichThuoc", gt=0)
    sha256: str = Field(alias="MaBamSHA256", pattern=r"^[0-9a-f]{64}$")
    content_base64: str = Field(alias="NoiDungBase64", repr=False)


class EResultOut(SentModel):
    """``DongBoKetQuaDienTu``: a signed e-result for the holder's national e-store."""

    national_code: str = Field(alias="MaHoSo", min_length=1)
    local_code: str = Field(alias="MaHoSoMotCua", min_length=1)
    e_result_code: str = Field(alias="MaKetQua", min_length=1)
    legacy_code: str = Field(alias="MaKetQuaTheoHoSo", min_length=1)
    document_number: str = Field(alias="SoKyHieu")
    title: str = Field(alias="TenKetQua")
    kind: Literal["1", "2"] = Field(alias="LoaiKetQua")
    result_type_code: str = Field("", alias="MaLoaiKetQua")
    holder_id: str = Field("", alias="SoDinhDanhChuSoHuu")
    holder_name: str = Field(alias="TenChuSoHuu")
    agency_code: str = Field(alias="MaCoQuanBanHanh")
    agency_name: str = Field(alias="TenCoQuanBanHanh")
    issued_at: str = Field(alias="NgayBanHanh", pattern=r"^\d{14}$")
    replaces: str = Field("", alias="ThayTheChoMaKetQua")
    correction_reason: str = Field("", alias="LyDoDinhChinh")
    file: ResultFileOut = Field(alias="TepKetQua")


class ReconcileOut(SentModel):
    """``DoiSoatHoSo``: which of our dossiers submitted in [from, to] the portal holds, and their status."""

    date_from: str = Field(alias="TuNgay", pattern=r"^\d{8}$")
    date_to: str = Field(alias="DenNgay", pattern=r"^\d{8}$")


class ReconciledDossier(WireModel):
    local_code: str = Field(alias="MaHoSoMotCua")
    national_code: str = Field("", alias="MaHoSo")
    status: int = Field(alias="TrangThaiHoSo", ge=1, le=10)


class ReconcileAnswer(WireModel):
    dossiers: list[ReconciledDossier] = Field(default_factory=list, alias="DanhSachHoSo")


OUTBOUND_MODELS: dict[str, type[SentModel]] = {
    SERVICE_SYNC: DossierSyncOut,
    SERVICE_RESULT: EResultOut,
    SERVICE_RECONCILE: ReconcileOut,
}


def dump(model: BaseModel) -> dict[str, Any]:
    """The JSON document of a model, with the portal's field names."""
    return model.model_dump(by_alias=True, mode="json")


def envelope(service: str, data: dict[str, Any]) -> dict[str, Any]:
    return {"service": service, "data": data}


def answer(data: dict[str, Any] | None = None, *, message: str = "") -> dict[str, Any]:
    """The portal's answer: ``error_code`` 0 is success."""
    return {"error_code": 0, "message": message, "data": data or {}}
