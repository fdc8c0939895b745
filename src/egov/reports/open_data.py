"""Open data: the aggregated figures as datasets with stable addresses, in CSV and JSON, and a
machine-readable catalogue of them (DCAT vocabulary, as JSON-LD). Only counts and rates per month,
agency and procedure: no dossier, no person (docs/reports.md)."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Max, Min
from django.utils import timezone

from egov.reports.indicators import TITLES, catalogue_facts, scorecard
from egov.reports.models import MonthFigures
from egov.reports.periods import Period, month_period, year_period
from egov.reports.selectors import GroupBy, ReportRow, figures, procedures_with

LICENCE = "https://creativecommons.org/licenses/by/4.0/"


@dataclass(frozen=True)
class Field:
    name: str  # stable column name, in English
    title: str  # Vietnamese
    kind: str  # integer, decimal, string, date


def _rate(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.4f}"


FIGURE_FIELDS: tuple[tuple[Field, Callable[[ReportRow], Any]], ...] = (
    (Field("received", "Số hồ sơ tiếp nhận", "integer"), lambda row: row.received),
    (Field("received_online", "Số hồ sơ tiếp nhận trực tuyến", "integer"), lambda row: row.received_online),
    (
        Field("received_postal", "Số hồ sơ tiếp nhận qua bưu chính", "integer"),
        lambda row: row.received_postal,
    ),
    (Field("resolved", "Số hồ sơ đã giải quyết", "integer"), lambda row: row.resolved),
    (Field("resolved_early", "Giải quyết trước hạn", "integer"), lambda row: row.resolved_early),
    (Field("resolved_on_time", "Giải quyết đúng hạn", "integer"), lambda row: row.resolved_on_time),
    (Field("resolved_late", "Giải quyết quá hạn", "integer"), lambda row: row.resolved_late),
    (Field("refused", "Từ chối", "integer"), lambda row: row.refused),
    (Field("withdrawn", "Rút hồ sơ hoặc dừng giải quyết", "integer"), lambda row: row.withdrawn),
    (
        Field("in_progress_on_time", "Đang giải quyết trong hạn (cuối kỳ)", "integer"),
        lambda row: row.in_progress_on_time if row.has_backlog else None,
    ),
    (
        Field("in_progress_overdue", "Đang giải quyết quá hạn (cuối kỳ)", "integer"),
        lambda row: row.in_progress_overdue if row.has_backlog else None,
    ),
    (
        Field("on_time_rate", "Tỷ lệ giải quyết đúng hạn (chỉ số 2.1, 0–1)", "decimal"),
        lambda row: _rate(row.on_time_rate),
    ),
    (
        Field("average_processing_days", "Thời gian giải quyết trung bình (ngày làm việc)", "decimal"),
        lambda row: None if row.average_processing_days is None else f"{row.average_processing_days:.2f}",
    ),
    (Field("online_share", "Tỷ lệ hồ sơ trực tuyến (0–1)", "decimal"), lambda row: _rate(row.online_share)),
    (Field("rated", "Số hồ sơ được đánh giá", "integer"), lambda row: row.rated),
    (Field("satisfied", "Số đánh giá hài lòng", "integer"), lambda row: row.satisfied),
    (
        Field("satisfaction_index", "Mức độ hài lòng (chỉ số 5.4, 0–1)", "decimal"),
        lambda row: _rate(row.satisfaction_index),
    ),
)


@dataclass(frozen=True)
class Dataset:
    slug: str
    title: str
    description: str
    keys: tuple[Field, ...]

    @property
    def fields(self) -> tuple[Field, ...]:
        if self.slug == "chi-so-766":
            return self.keys + INDICATOR_FIELDS
        return self.keys + tuple(field for field, _value in FIGURE_FIELDS)


MONTH = Field("month", "Tháng (YYYY-MM)", "string")
INDICATOR_FIELDS = (
    Field("indicator", "Mã chỉ số", "string"),
    Field("name", "Tên chỉ số", "string"),
    Field("value", "Giá trị (tỷ lệ 0–1; ngày làm việc với chỉ số 2.2; trống: N/A)", "decimal"),
    Field("numerator", "Tử số", "integer"),
    Field("denominator", "Mẫu số", "integer"),
    Field("points", "Điểm", "decimal"),
    Field("max_points", "Điểm tối đa", "decimal"),
)
DATASETS: dict[str, Dataset] = {
    dataset.slug: dataset
    for dataset in (
        Dataset(
            "ho-so-theo-co-quan",
            "Tình hình giải quyết hồ sơ thủ tục hành chính theo tháng và cơ quan",
            "Số hồ sơ tiếp nhận, giải quyết trước hạn, đúng hạn, quá hạn, tỷ lệ đúng hạn, tỷ lệ trực tuyến "
            "và mức độ hài lòng của từng cơ quan, theo tháng.",
            (
                MONTH,
                Field("agency_code", "Mã định danh cơ quan", "string"),
                Field("agency_name", "Tên cơ quan", "string"),
            ),
        ),
        Dataset(
            "ho-so-theo-thu-tuc",
            "Tình hình giải quyết hồ sơ theo tháng và thủ tục hành chính",
            "Các số liệu trên theo từng thủ tục hành chính (mã thủ tục trên Cơ sở dữ liệu quốc gia), "
            "theo tháng.",
            (
                MONTH,
                Field("procedure_code", "Mã thủ tục hành chính", "string"),
                Field("procedure_name", "Tên thủ tục", "string"),
            ),
        ),
        Dataset(
            "chi-so-766",
            "Bộ chỉ số phục vụ người dân, doanh nghiệp (Quyết định 766/QĐ-TTg) toàn tỉnh theo tháng",
            "Giá trị, tử số, mẫu số và điểm của từng chỉ số theo tháng, toàn tỉnh; "
            "N/A để trống khi mẫu số bằng 0.",
            (MONTH,),
        ),
    )
}


def years_available() -> list[int]:
    bounds = MonthFigures.objects.aggregate(first=Min("month"), last=Max("month"))
    first, last = bounds["first"], bounds["last"]
    if first is None or last is None:
        return [timezone.localdate().year]
    return list(range(first.year, last.year + 1))


def _months(year: int) -> list[Period]:
    today = timezone.localdate()
    last = 12 if year < today.year else today.month
    return [month_period(date(year, month, 1)) for month in range(1, last + 1)]


def dataset_rows(slug: str, year: int) -> list[dict[str, Any]]:
    """The dataset's rows for one year, in a stable order (month, then code)."""
    dataset = DATASETS[slug]
    rows: list[dict[str, Any]] = []
    for period in _months(year):
        if slug == "chi-so-766":
            (total,) = figures(period=period, group_by="province")
            card = scorecard(
                row=total,
                period=period,
                agency_ids=None,
                catalogue=catalogue_facts(None),
                online_used=procedures_with(measure="received_online", period=period, agency_ids=None),
                paid_national_used=procedures_with(measure="paid_national", period=period, agency_ids=None),
            )
            for item in card.indicators:
                value = item.value
                rows.append(
                    {
                        "month": period.slug,
                        "indicator": item.id,
                        "name": str(TITLES[item.id]),
                        "value": None
                        if value is None
                        else (f"{value:.2f}" if item.is_days else f"{value:.4f}"),
                        "numerator": item.numerator,
                        "denominator": item.denominator,
                        "points": None if item.points is None else f"{item.points:.2f}",
                        "max_points": f"{item.max_points:.2f}",
                    }
                )
            continue
        group_by: GroupBy = "agency" if slug == "ho-so-theo-co-quan" else "procedure"
        for row in figures(period=period, group_by=group_by):
            keys = dataset.keys
            record: dict[str, Any] = {
                keys[0].name: period.slug,
                keys[1].name: row.code,
                keys[2].name: row.label,
            }
            for field, read in FIGURE_FIELDS:
                record[field.name] = read(row)
            rows.append(record)
    return rows


def as_csv(slug: str, rows: list[dict[str, Any]]) -> str:
    """UTF-8 CSV with a header of the stable field names; N/A is an empty cell."""
    names = [field.name for field in DATASETS[slug].fields]
    output = io.StringIO()
    writer = csv.DictWriter(output, fieldnames=names, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({name: "" if row.get(name) is None else row[name] for name in names})
    return output.getvalue()


def catalogue(base_url: str) -> dict[str, Any]:
    """The datasets, their fields and their files, in the DCAT vocabulary (JSON-LD)."""
    base = base_url.rstrip("/")
    years = years_available()
    publisher = {"@type": "foaf:Organization", "foaf:name": "Ủy ban nhân dân tỉnh"}
    return {
        "@context": {
            "dcat": "http://www.w3.org/ns/dcat#",
            "dct": "http://purl.org/dc/terms/",
            "foaf": "http://xmlns.com/foaf/0.1/",
        },
        "@type": "dcat:Catalog",
        "dct:title": "Dữ liệu mở về giải quyết thủ tục hành chính",
        "dct:description": "Số liệu tổng hợp, không chứa dữ liệu cá nhân; cập nhật liên tục.",
        "dct:language": "vi",
        "dct:license": LICENCE,
        "dct:publisher": publisher,
        "dct:modified": timezone.localtime().isoformat(timespec="seconds"),
        "dcat:dataset": [
            {
                "@type": "dcat:Dataset",
                "dct:identifier": dataset.slug,
                "dct:title": dataset.title,
                "dct:description": dataset.description,
                "dct:license": LICENCE,
                "dct:publisher": publisher,
                "dct:accrualPeriodicity": "http://purl.org/cld/freq/continuous",
                "dct:temporal": {
                    "dcat:startDate": f"{years[0]}-01-01",
                    "dcat:endDate": timezone.localdate().isoformat(),
                },
                "dcat:keyword": ["thủ tục hành chính", "dịch vụ công", "766/QĐ-TTg"],
                "fields": [
                    {"name": field.name, "title": field.title, "type": field.kind} for field in dataset.fields
                ],
                "dcat:distribution": [
                    {
                        "@type": "dcat:Distribution",
                        "dct:title": f"{dataset.title} – {year} ({fmt.upper()})",
                        "dcat:downloadURL": f"{base}/api/v1/open-data/{dataset.slug}/{year}.{fmt}",
                        "dcat:mediaType": "text/csv" if fmt == "csv" else "application/json",
                        "dct:temporal": {"dcat:startDate": f"{year}-01-01", "dcat:endDate": f"{year}-12-31"},
                    }
                    for year in years
                    for fmt in ("csv", "json")
                ],
            }
            for dataset in DATASETS.values()
        ],
    }


def base_url() -> str:
    return str(settings.PUBLIC_BASE_URL)


__all__ = ["DATASETS", "as_csv", "catalogue", "dataset_rows", "year_period"]
