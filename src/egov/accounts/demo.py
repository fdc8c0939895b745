"""The demo province: a two-level province after the 1 July 2025 reorganisation, with the agencies it
absorbed kept as history. Codes follow the shape of Decision 20/2020/QĐ-TTg but are demo values, not the
province's real electronic identifiers (docs/demo.md)."""

from __future__ import annotations

from datetime import date

from egov.core.permissions import Role

PROVINCE = ("H37", "Ủy ban nhân dân tỉnh Ninh Bình", "UBND tỉnh Ninh Bình", "province")
REORGANISED_ON = date(2025, 7, 1)

# (code, name, short name, level, parent code)
AGENCIES: list[tuple[str, str, str, str, str]] = [
    ("H37.01", "Văn phòng Ủy ban nhân dân tỉnh", "Văn phòng UBND tỉnh", "department", "H37"),
    (
        "H37.01.01",
        "Trung tâm Phục vụ hành chính công tỉnh Ninh Bình",
        "TTPVHCC tỉnh",
        "one_stop_centre",
        "H37.01",
    ),
    ("H37.02", "Sở Nội vụ", "Sở Nội vụ", "department", "H37"),
    ("H37.03", "Sở Tư pháp", "Sở Tư pháp", "department", "H37"),
    ("H37.03.01", "Phòng Hành chính tư pháp", "Phòng HCTP", "division", "H37.03"),
    ("H37.04", "Sở Tài chính", "Sở Tài chính", "department", "H37"),
    ("H37.05", "Sở Xây dựng", "Sở Xây dựng", "department", "H37"),
    ("H37.06", "Sở Y tế", "Sở Y tế", "department", "H37"),
    ("H37.07", "Sở Văn hóa, Thể thao và Du lịch", "Sở VHTTDL", "department", "H37"),
    ("H37.08", "Sở Giáo dục và Đào tạo", "Sở GDĐT", "department", "H37"),
    ("H37.09", "Sở Nông nghiệp và Môi trường", "Sở NNMT", "department", "H37"),
    ("H37.10", "Sở Khoa học và Công nghệ", "Sở KHCN", "department", "H37"),
    ("H37.11", "Sở Công Thương", "Sở Công Thương", "department", "H37"),
    ("H37.12", "Công an tỉnh", "Công an tỉnh", "department", "H37"),
    ("H37.13", "Ban Quản lý các khu công nghiệp tỉnh", "BQL các KCN", "board", "H37"),
    ("H37.30", "Ủy ban nhân dân phường Hoa Lư", "UBND phường Hoa Lư", "commune", "H37"),
    (
        "H37.30.01",
        "Trung tâm Phục vụ hành chính công phường Hoa Lư",
        "TTPVHCC phường Hoa Lư",
        "one_stop_centre",
        "H37.30",
    ),
    ("H37.31", "Ủy ban nhân dân phường Nam Định", "UBND phường Nam Định", "commune", "H37"),
    (
        "H37.31.01",
        "Trung tâm Phục vụ hành chính công phường Nam Định",
        "TTPVHCC phường Nam Định",
        "one_stop_centre",
        "H37.31",
    ),
    ("H37.32", "Ủy ban nhân dân phường Phủ Lý", "UBND phường Phủ Lý", "commune", "H37"),
    (
        "H37.32.01",
        "Trung tâm Phục vụ hành chính công phường Phủ Lý",
        "TTPVHCC phường Phủ Lý",
        "one_stop_centre",
        "H37.32",
    ),
    ("H37.33", "Ủy ban nhân dân xã Gia Viễn", "UBND xã Gia Viễn", "commune", "H37"),
    (
        "H37.33.01",
        "Trung tâm Phục vụ hành chính công xã Gia Viễn",
        "TTPVHCC xã Gia Viễn",
        "one_stop_centre",
        "H37.33",
    ),
    ("H37.34", "Ủy ban nhân dân xã Kim Sơn", "UBND xã Kim Sơn", "commune", "H37"),
    (
        "H37.34.01",
        "Trung tâm Phục vụ hành chính công xã Kim Sơn",
        "TTPVHCC xã Kim Sơn",
        "one_stop_centre",
        "H37.34",
    ),
]

# Agencies that ended with the reorganisation: (code, name, short name, level, parent code, successor code)
FORMER_AGENCIES: list[tuple[str, str, str, str, str, str]] = [
    ("H35", "Ủy ban nhân dân tỉnh Hà Nam", "UBND tỉnh Hà Nam", "province", "", "H37"),
    ("H36", "Ủy ban nhân dân tỉnh Nam Định", "UBND tỉnh Nam Định", "province", "", "H37"),
    ("H37.21", "Ủy ban nhân dân huyện Gia Viễn", "UBND huyện Gia Viễn", "district", "H37", "H37.33"),
    ("H37.22", "Ủy ban nhân dân thành phố Hoa Lư", "UBND TP Hoa Lư", "district", "H37", "H37.30"),
]

DEMO_PASSWORD = "egov-demo-2026"

# (username, full name, agency code, roles)
OFFICIALS: list[tuple[str, str, str, list[Role]]] = [
    ("quantri", "Nguyễn Văn Quản", "H37", [Role.ADMINISTRATOR]),
    ("lanhdao", "Trần Thị Lãnh", "H37", [Role.LEADER]),
    ("motcua", "Lê Thị Hà", "H37.01.01", [Role.ONE_STOP_OFFICER]),
    ("chuyenvien.stp", "Phạm Minh Tuấn", "H37.03", [Role.SPECIALIST]),
    ("truongphong.stp", "Hoàng Thu Trang", "H37.03", [Role.HEAD_OF_DIVISION]),
    ("giamdoc.stp", "Đỗ Quang Vinh", "H37.03", [Role.AGENCY_HEAD]),
    ("vanthu.stp", "Vũ Thị Lan", "H37.03", [Role.CLERK]),
    ("motcua.hoalu", "Bùi Thị Mai", "H37.30.01", [Role.ONE_STOP_OFFICER]),
    ("congchuc.hoalu", "Đinh Văn Nam", "H37.30", [Role.SPECIALIST]),
    ("chutich.hoalu", "Ngô Thị Hạnh", "H37.30", [Role.AGENCY_HEAD, Role.LEADER]),
]

# (username, full name, personal id, phone, e-mail, address)
CITIZENS: list[tuple[str, str, str, str, str, str]] = [
    (
        "037090001234",
        "Nguyễn Văn An",
        "037090001234",
        "0912345678",
        "an.nguyen@example.vn",
        "Phường Hoa Lư, tỉnh Ninh Bình",
    ),
    (
        "036195004567",
        "Trần Thị Bình",
        "036195004567",
        "0987654321",
        "binh.tran@example.vn",
        "Phường Nam Định, tỉnh Ninh Bình",
    ),
    (
        "035302001122",
        "Lê Minh Châu",
        "035302001122",
        "0903111222",
        "chau.le@example.vn",
        "Phường Phủ Lý, tỉnh Ninh Bình",
    ),
]

# (username, full name, tax code, organisation)
BUSINESSES: list[tuple[str, str, str, str]] = [
    ("2700123459", "Phạm Quốc Dũng", "2700123459", "Công ty TNHH Du lịch Tràng An Xanh"),
]
