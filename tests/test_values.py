"""assistant.values: property tests (operator + number + unit survive formatting and parsing, with
money normalised to 万元 and area to 亩) and the examples the domain notes name."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.values import (
    chinese_number,
    money_to_wan,
    normalize_text,
    parse_amount,
    parse_percent,
    parse_value,
    unit_from_name,
    years_in,
)

# symbol or word as written -> the operator parse_value reports; '' means none written (read as '=')
OPERATORS = {
    "": "=",
    "≥": ">=",
    "≤": "<=",
    "=": "=",
    ">": ">",
    "<": "<",
    "≧": ">=",
    "≦": "<=",
    ">=": ">=",
    "<=": "<=",
    "大于等于": ">=",
    "不低于": ">=",
    "不少于": ">=",
    "不超过": "<=",
}
SUFFIX_OPERATORS = {"以上": ">=", "以内": "<="}
COUNT_UNITS = ["人", "个", "套", "件", "株"]
AREA_UNITS = {"亩": 1.0, "万亩": 1e4}
MONEY_UNITS = {"元": 1e-4, "万元": 1.0, "亿元": 1e4}
PRICE_UNITS = ["元/个", "元/亩"]
ALL_UNITS = COUNT_UNITS + list(AREA_UNITS) + list(MONEY_UNITS) + PRICE_UNITS + ["%"]

numbers = st.one_of(
    st.integers(min_value=0, max_value=10**7).map(float),
    st.decimals(min_value=0, max_value=10**6, places=2, allow_nan=False, allow_infinity=False).map(float),
)


def fmt_number(x: float) -> str:
    return str(int(x)) if x.is_integer() else f"{x:.2f}".rstrip("0").rstrip(".")


def check(v, op: str, number: float, unit: str) -> None:
    assert v.operator == op
    assert v.number == pytest.approx(number)
    if unit in MONEY_UNITS:
        assert (v.kind, v.unit, v.normalized_unit) == ("money", unit, "万元")
        assert v.normalized == pytest.approx(number * MONEY_UNITS[unit], rel=1e-9, abs=1e-6)
    elif unit in AREA_UNITS:
        assert (v.kind, v.unit, v.normalized_unit) == ("quantity", unit, "亩")
        assert v.normalized == pytest.approx(number * AREA_UNITS[unit])
    elif unit in PRICE_UNITS:
        assert (v.kind, v.unit, v.per) == ("unit_price", "元", unit[-1])
        assert v.normalized == pytest.approx(number) and v.normalized_unit == unit
    elif unit == "%":
        assert (v.kind, v.unit, v.normalized) == ("percentage", "%", pytest.approx(number))
    else:
        assert (v.kind, v.unit, v.normalized, v.normalized_unit) == (
            "quantity",
            unit,
            pytest.approx(number),
            unit,
        )


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(sorted(OPERATORS)), numbers, st.sampled_from(ALL_UNITS), st.booleans())
def test_operator_number_unit_round_trip(op, number, unit, grouped):
    written = f"{int(number):,}" if grouped and number.is_integer() else fmt_number(number)  # 1,000
    v = parse_value(f"{op}{written}{unit}")
    check(v, OPERATORS[op], number, unit)


@settings(max_examples=100, deadline=None)
@given(
    st.sampled_from(sorted(SUFFIX_OPERATORS)),
    numbers,
    st.sampled_from(COUNT_UNITS + list(AREA_UNITS) + list(MONEY_UNITS)),
)
def test_suffix_operators(word, number, unit):
    v = parse_value(f"{fmt_number(number)}{unit}{word}")
    check(v, SUFFIX_OPERATORS[word], number, unit)


@settings(max_examples=100, deadline=None)
@given(st.sampled_from(sorted(OPERATORS)), numbers, st.sampled_from(ALL_UNITS), st.booleans())
def test_full_width_and_spaces_read_the_same(op, number, unit, spaced):
    """Full-width digits and ％, and spaces between the parts, as pasted from Word or a web page."""
    text = f"{op}{fmt_number(number)}{unit}"
    wide = text.translate({ord(c): ord(c) + 0xFEE0 for c in "0123456789.%"})
    if spaced:
        wide = " ".join(wide)
    assert parse_value(wide).model_dump(exclude={"raw"}) == parse_value(text).model_dump(exclude={"raw"})


@settings(max_examples=100, deadline=None)
@given(numbers, st.sampled_from(["亩", "个", "人", "%"]))
def test_unit_in_level3_name(number, unit):
    """A bare number takes its unit from the 三级 name: 实施营造林总面积(亩) + 720."""
    v = parse_value(fmt_number(number), level3=f"实施营造林总面积（{unit}）")
    assert v.number == pytest.approx(number) and v.unit == unit


@settings(max_examples=100, deadline=None)
@given(numbers, st.sampled_from(sorted(MONEY_UNITS)))
def test_money_normalisation_is_linear(number, unit):
    assert money_to_wan(number, unit) == pytest.approx(number * MONEY_UNITS[unit], abs=1e-6)
    assert parse_amount(f"{fmt_number(number)}") == pytest.approx(number)


@given(st.integers(min_value=0, max_value=100))
def test_percent_cells(n):
    assert parse_percent(f"{n}%") == n and parse_percent(f" {n} ") == n


@given(st.integers(min_value=1, max_value=999))
def test_chinese_numerals(n):
    digits = "零一二三四五六七八九"
    h, t, u = n // 100, n // 10 % 10, n % 10
    text = (
        (digits[h] + "百" if h else "")
        + (digits[t] + "十" if t else ("零" if h and u else ""))
        + (digits[u] if u else "")
    )
    assert chinese_number(text) == n


# --- examples from the domain notes --------------------------------------------------------


def test_yuan_is_normalised_to_wan():
    v = parse_value("15000元")
    assert (v.kind, v.number, v.unit, v.normalized, v.normalized_unit) == ("money", 15000, "元", 1.5, "万元")
    assert parse_value("1.5万元").normalized == 1.5


def test_wan_mu():
    v = parse_value("11.94万亩")
    assert (v.kind, v.unit, v.normalized, v.normalized_unit) == ("quantity", "万亩", 119400, "亩")


def test_unit_price():
    v = parse_value("2809.09元/个")
    assert (v.kind, v.number, v.unit, v.per, v.normalized_unit) == (
        "unit_price",
        2809.09,
        "元",
        "个",
        "元/个",
    )


@pytest.mark.parametrize(
    "raw, op, number, unit, kind",
    [
        ("≥201人", ">=", 201, "人", "quantity"),
        ("≤1%", "<=", 1, "%", "percentage"),
        ("100%", "=", 100, "%", "percentage"),
    ],
)
def test_quantities_and_percentages(raw, op, number, unit, kind):
    v = parse_value(raw)
    assert (v.operator, v.number, v.unit, v.kind) == (op, number, unit, kind)


def test_dates_and_durations():
    v = parse_value("2024年6月完成")
    assert (v.kind, v.year, v.month) == ("date", 2024, 6)
    v = parse_value("2024年10月前完成")
    assert (v.kind, v.year, v.month) == ("date", 2024, 10)
    v = parse_value("三个工作日完成")
    assert (v.kind, v.number, v.unit) == ("duration", 3, "工作日")
    assert parse_value("已完成").past_tense


def test_qualitative_and_placeholders():
    v = parse_value("较上年提高")
    assert v.kind == "qualitative" and not v.graded and v.number is None
    assert parse_value("达成年度指标").graded
    for raw in ("密", "XX", "***", "待填写", "≥**%"):
        assert parse_value(raw).kind == "placeholder", raw
    assert parse_value("").kind == "empty"


def test_helpers():
    assert unit_from_name("实施营造林总面积(亩)") == "亩"
    assert unit_from_name("满意度（%）") == "%"
    assert normalize_text(" ≧ ９５ ％ ") == "≥95%"
    assert [y for y, _ in years_in("冀财资环【2022】91号 2022年春季完成《2021年规划》")] == [2022]
