"""Seed -> .docx / .xlsx / PDF -> Document equals the original, project by project, row by row.

Source locations naturally differ. The PDF is drawn with reportlab, which, like HTML, collapses a
run of spaces to one: its comparison folds runs of whitespace (two seed 依据 cells hold 5 spaces).
"""

from __future__ import annotations

import re

import pytest
from builders import document_pdf

from assistant.readers import read_bytes
from assistant.writers.docx import document_docx
from assistant.writers.xlsx import document_xlsx

PROJECT_FIELDS = (
    "unit_code",
    "unit_name",
    "code",
    "name",
    "budget",
    "fiscal_funds",
    "other_funds",
    "purpose",
    "goal",
)
ROW_FIELDS = ("level1", "level2", "level3", "description", "value_raw", "basis")


def _same(a: str, b: str, fold_spaces: bool) -> bool:
    if fold_spaces and isinstance(a, str):
        return re.sub(r" +", " ", a) == b
    return a == b


def assert_same_projects(original, parsed, fold_spaces: bool = False) -> None:
    assert len(parsed.projects) == len(original.projects)
    for n, (a, b) in enumerate(zip(original.projects, parsed.projects), start=1):
        for f in PROJECT_FIELDS:
            assert _same(getattr(a, f), getattr(b, f), fold_spaces), (n, f, getattr(a, f), getattr(b, f))
        assert b.spending_plan.as_list() == a.spending_plan.as_list(), n
        assert len(b.indicators) == len(a.indicators), n
        for r, (x, y) in enumerate(zip(a.indicators, b.indicators), start=1):
            for f in ROW_FIELDS:
                assert _same(getattr(x, f), getattr(y, f), fold_spaces), (
                    n,
                    r,
                    f,
                    getattr(x, f),
                    getattr(y, f),
                )
            assert y.value.model_dump(exclude={"raw"}) == x.value.model_dump(exclude={"raw"}), (n, r)
    assert parsed.total_budget() == original.total_budget()
    assert parsed.warnings == []


@pytest.fixture(scope="module")
def seed(_seed_doc_cached):
    return _seed_doc_cached


@pytest.fixture(scope="module")
def pdf_parsed(seed):
    return read_bytes(document_pdf(seed), "seed.pdf")


def test_docx_round_trip(seed):
    parsed = read_bytes(document_docx(seed), "seed.docx")
    assert_same_projects(seed, parsed)
    # the 第一部分 travels as paragraphs
    assert parsed.goal_areas == seed.goal_areas
    assert parsed.overall_goal == seed.overall_goal and parsed.safeguards == seed.safeguards
    assert (parsed.title, parsed.department, parsed.budget_year) == (
        seed.title,
        seed.department,
        seed.budget_year,
    )
    assert parsed.units == seed.units and parsed.cover == seed.cover


def test_xlsx_round_trip(seed):
    parsed = read_bytes(document_xlsx(seed), "seed.xlsx")
    assert_same_projects(seed, parsed)
    assert parsed.goal_areas == seed.goal_areas and parsed.overall_goal == seed.overall_goal
    assert (parsed.title, parsed.cover, parsed.safeguards) == (seed.title, seed.cover, seed.safeguards)
    assert parsed.projects[4].source.sheet.startswith("5.冀财资环_2023_107号")


def test_pdf_round_trip(seed, pdf_parsed):
    parsed = pdf_parsed
    assert_same_projects(seed, parsed, fold_spaces=True)
    assert parsed.projects[0].indicators[0].source.page is not None
    assert parsed.goal_areas == seed.goal_areas  # wrapped paragraph lines are joined again
    assert (parsed.overall_goal, parsed.safeguards) == (seed.overall_goal, seed.safeguards)
    assert (parsed.title, parsed.cover) == (seed.title, seed.cover)


def test_pdf_multiline_cells_keep_their_line_breaks(pdf_parsed):
    goal = pdf_parsed.projects[0].goal.splitlines()
    assert len(goal) == 2 and goal[1].startswith("2.下属局属场员工")
