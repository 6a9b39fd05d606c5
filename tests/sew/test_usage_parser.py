"""The usage-row parser: every date format, nulls, money vs quantity, estimates, DST, filtering."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
import itertools
from typing import Any
from zoneinfo import ZoneInfo

from hypothesis import given, settings, strategies as st
import pytest

from custom_components.home_energy_cloud.api.sew import (
    Resolution,
    SewProtocolError,
    SewUsage,
    parse_date,
    parse_usage,
)

TZ = ZoneInfo("America/Chicago")
ROWS = "objUsageGenerationResultSetTwo"


def hourly(rows: list[dict[str, Any]], day: date | None = None) -> SewUsage:
    return parse_usage({ROWS: rows}, resolution=Resolution.HOURLY, tz=TZ, day=day)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("January 5, 2025", datetime(2025, 1, 5)),
        ("Jan 5, 2025", datetime(2025, 1, 5)),
        ("2025-01-05", datetime(2025, 1, 5)),
        ("2025-01-05T13:30:00", datetime(2025, 1, 5, 13, 30)),
        ("2025-01-05T13:30:00.123", datetime(2025, 1, 5, 13, 30)),
        ("2025-01-05 13:30:00", datetime(2025, 1, 5, 13, 30)),
        ("01/05/2025", datetime(2025, 1, 5)),
        ("1/5/2025", datetime(2025, 1, 5)),
        ("01/05/25", datetime(2025, 1, 5)),
        ("1/5/2025 1:30:00 PM", datetime(2025, 1, 5, 13, 30)),
        ("/Date(1736056800000)/", datetime(2025, 1, 5, 6, 0, tzinfo=UTC)),
        ("/Date(1736056800000-0600)/", datetime(2025, 1, 5, 6, 0, tzinfo=UTC)),
        ("2025-01-05T06:00:00Z", datetime(2025, 1, 5, 6, 0, tzinfo=UTC)),
        ("/Date(-62135596800000)/", None),
        ("0001-01-01T00:00:00", None),
        ("1/1/0001 12:00:00 AM", None),
        ("", None),
        (None, None),
    ],
)
def test_date_formats(raw: str | None, expected: datetime | None) -> None:
    assert parse_date(raw) == expected


@pytest.mark.parametrize("raw", ["yesterday", "2025-13-45", "/Date(abc)/", 12])
def test_unknown_dates_are_protocol_errors(raw: object) -> None:
    with pytest.raises(SewProtocolError):
        parse_date(raw)


def test_hourly_rows_in_the_utility_time_zone() -> None:
    usage = hourly(
        [
            {
                "UsageDate": "January 5, 2025",
                "Hourly": "12:00 AM",
                "UsageValue": "1.5",
                "Amount": 0.18,
            },
            {
                "UsageDate": "/Date(1736056800000)/",
                "Hourly": "1:00 PM",
                "UsageValue": 2,
                "Amount": None,
            },
        ]
    )
    first, second = usage.rows
    assert first.start == datetime(2025, 1, 5, tzinfo=TZ)
    assert first.end - first.start == timedelta(hours=1)
    assert (first.quantity, first.cost, first.final) == (1.5, 0.18, True)
    # /Date(ms)/ is local midnight as an instant; the label gives the hour.
    assert second.start == datetime(2025, 1, 5, 13, tzinfo=TZ)
    assert (second.quantity, second.cost) == (2.0, None)


def test_value_next_to_usage_value_is_quantity_and_money() -> None:
    (row,) = parse_usage(
        {ROWS: [{"UsageDate": "2025-01-05", "value": 12.5, "UsageValue": "8.10"}]},
        resolution=Resolution.DAILY,
        tz=TZ,
    ).rows
    assert (row.quantity, row.cost) == (12.5, 8.1)


def test_estimated_rows_are_not_final() -> None:
    (row,) = hourly(
        [
            {
                "UsageDate": "2025-01-05",
                "Hourly": "3:00 AM",
                "UsageValue": 1,
                "ValidationStatus": "Estimated",
            }
        ]
    ).rows
    assert row.final is False


def test_rows_outside_the_requested_day_are_dropped() -> None:
    rows = [
        {"UsageDate": "January 4, 2025", "Hourly": f"{h}:00 AM", "UsageValue": 1} for h in (1, 2)
    ]
    assert hourly(rows, day=date(2025, 1, 5)).rows == []
    assert len(hourly(rows, day=date(2025, 1, 4)).rows) == 2


def test_net_meter_import_and_export_rows_merge() -> None:
    rows = [
        {
            "UsageDate": "2025-06-01",
            "Hourly": "12:00 PM",
            "UsageValue": 0.2,
            "Amount": 0.02,
            "UsageType": "Import",
        },
        {
            "UsageDate": "2025-06-01",
            "Hourly": "12:00 PM",
            "UsageValue": 1.7,
            "Amount": 0.2,
            "UsageType": "Export",
        },
    ]
    (row,) = hourly(rows).rows
    assert (row.quantity, row.cost, row.returned) == (0.2, 0.02, 1.7)


def test_fall_back_day_has_25_distinct_hours() -> None:
    labels = ["12:00 AM", "1:00 AM", "1:00 AM", *(f"{h}:00 AM" for h in range(2, 12))]
    labels += ["12:00 PM", *(f"{h}:00 PM" for h in range(1, 12))]
    rows = [{"UsageDate": "November 2, 2025", "Hourly": label, "UsageValue": 1} for label in labels]
    usage = hourly(rows, day=date(2025, 11, 2))
    assert len(usage.rows) == 25
    starts = [row.start.astimezone(UTC) for row in usage.rows]
    assert starts == sorted(set(starts))
    assert all(b - a == timedelta(hours=1) for a, b in itertools.pairwise(starts))


def test_spring_forward_ghost_hour_is_merged_into_the_next() -> None:
    labels = ["12:00 AM", "1:00 AM", "2:00 AM", "3:00 AM"]
    rows = [{"UsageDate": "March 9, 2025", "Hourly": label, "UsageValue": 1} for label in labels]
    usage = hourly(rows)
    assert len(usage.rows) == 3
    assert sum(row.quantity or 0 for row in usage.rows) == 4


def test_monthly_rows_use_from_and_to_dates() -> None:
    usage = parse_usage(
        {
            ROWS: [
                {
                    "UsageDate": "/Date(-62135596800000)/",
                    "FromDate": "12/05/2024",
                    "ToDate": "01/04/2025",
                    "value": "501.9",
                    "UsageValue": "59.49",
                }
            ],
            "getTentativeData": [
                {
                    "SoFar": 10,
                    "SoFarDollar": "1.20",
                    "ProjectedBill": 31,
                    "ProjectedBillDollar": 3.7,
                }
            ],
        },
        resolution=Resolution.MONTHLY,
        tz=TZ,
    )
    (row,) = usage.rows
    assert row.start == datetime(2024, 12, 5, tzinfo=TZ)
    assert row.end == datetime(2025, 1, 5, tzinfo=TZ)
    assert (row.quantity, row.cost) == (501.9, 59.49)
    assert usage.summary is not None
    assert (usage.summary.so_far, usage.summary.so_far_cost) == (10, 1.2)
    assert (usage.summary.projected, usage.summary.projected_cost) == (31, 3.7)


def test_nulls_and_placeholders() -> None:
    usage = parse_usage(
        {ROWS: None, "objUsageGenerationResultSetOne": [{"UsageDate": None}]},
        resolution=Resolution.DAILY,
        tz=TZ,
    )
    assert usage.rows == []
    assert usage.summary is None
    assert hourly([]).rows == []
    (row,) = hourly([{"UsageDate": "2025-01-05", "Hourly": "1:00 AM", "UsageValue": None}]).rows
    assert (row.quantity, row.cost) == (None, None)


@pytest.mark.parametrize(
    "data",
    [
        [],
        "text",
        {ROWS: "not a list"},
        {ROWS: [1, 2]},
        {ROWS: [{"UsageDate": "someday"}]},
        {ROWS: [{"UsageDate": "2025-01-05", "UsageValue": "lots"}]},
        {ROWS: [{"UsageDate": "2025-01-05", "UsageValue": "NaN"}]},
        {ROWS: [{"UsageDate": "2025-01-05", "Hourly": "25:99"}]},
        {ROWS: [{"FromDate": "02/01/2025", "ToDate": "01/01/2025"}]},
        {ROWS: [{"UsageDate": "9999-12-31", "Hourly": "11:00 PM"}]},
        {ROWS: [{"UsageDate": "2025-01-05", "UsageValue": 10**400}]},
    ],
)
def test_malformed_replies_are_protocol_errors(data: object) -> None:
    with pytest.raises(SewProtocolError):
        parse_usage(data, resolution=Resolution.HOURLY, tz=TZ)


# -- property tests --------------------------------------------------------------------------

DATE_STRINGS = st.one_of(
    st.none(),
    st.text(max_size=30),
    st.dates(min_value=date(1, 1, 1)).map(lambda d: f"{d:%B} {d.day}, {d.year:04d}"),
    st.dates(min_value=date(1, 1, 1)).map(lambda d: f"{d.month}/{d.day}/{d.year:04d}"),
    st.dates(min_value=date(1, 1, 1)).map(lambda d: d.isoformat()),
    st.integers(min_value=-(10**15), max_value=10**15).map(lambda ms: f"/Date({ms})/"),
)
NUMBERS = st.one_of(
    st.none(),
    st.booleans(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(),
    st.text(max_size=12),
    st.floats(allow_nan=False, allow_infinity=False).map(str),
)
ROW = st.fixed_dictionaries(
    {},
    optional={
        "UsageDate": DATE_STRINGS,
        "FromDate": DATE_STRINGS,
        "ToDate": DATE_STRINGS,
        "Hourly": st.one_of(
            st.none(), st.text(max_size=10), st.sampled_from(["1:00 AM", "12:00 PM", "13:00"])
        ),
        "UsageValue": NUMBERS,
        "value": NUMBERS,
        "Amount": NUMBERS,
        "Consumption": NUMBERS,
        "ValidationStatus": st.one_of(
            st.none(), st.sampled_from(["Estimated", "Actual"]), st.text(max_size=5)
        ),
        "UsageType": st.one_of(st.none(), st.sampled_from(["Import", "Export"]), st.integers()),
    },
)
REPLIES = st.one_of(
    st.fixed_dictionaries(
        {ROWS: st.one_of(st.lists(ROW, max_size=8), st.none(), st.text(max_size=5))},
        optional={
            "getTentativeData": st.one_of(
                st.none(),
                st.lists(
                    st.dictionaries(st.sampled_from(["SoFar", "ProjectedBill"]), NUMBERS),
                    max_size=2,
                ),
            )
        },
    ),
    st.recursive(
        st.none() | st.integers() | st.text(max_size=5),
        lambda inner: st.lists(inner) | st.dictionaries(st.text(max_size=5), inner),
        max_leaves=10,
    ),
)


@settings(max_examples=300, deadline=None)
@given(
    REPLIES,
    st.sampled_from(list(Resolution)),
    st.one_of(st.none(), st.dates(min_value=date(1900, 1, 1))),
)
def test_parser_returns_rows_or_a_protocol_error(
    data: object, resolution: Resolution, day: date | None
) -> None:
    try:
        usage = parse_usage(data, resolution=resolution, tz=TZ, day=day)
    except SewProtocolError:
        return
    starts = [row.start for row in usage.rows]
    assert starts == sorted(starts)
    for row in usage.rows:
        assert row.start.tzinfo is not None
        assert row.end > row.start
        if day is not None:
            assert row.start.astimezone(TZ).date() == day


@given(DATE_STRINGS)
def test_parse_date_returns_a_date_or_a_protocol_error(raw: str | None) -> None:
    try:
        parsed = parse_date(raw)
    except SewProtocolError:
        return
    assert parsed is None or parsed.year >= 1900
