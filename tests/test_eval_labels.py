"""Review eval on hand-labelled pages (labels.yaml schema): the pure scorer (must misses fail, should misses
are tolerated, clean categories are false positives), the case file that points at a labels file, and a run
that reviews each page as its own case."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from builders import pasted_pipes
from rule_tables import BEN, doc, project, replace, row

from assistant.errors import InputError
from assistant.evals.cases import LabelledCase, load_case_file
from assistant.evals.review_labels import aggregate_labelled, finds, score_labelled_case
from assistant.evals.runner import run_eval
from assistant.models import Finding


def _case(**kw) -> LabelledCase:
    return LabelledCase.model_validate({"id": "p1", "document": "p1.txt", **kw})


def _finding(category: str, evidence: str, indicator: str | None = None, rule: str = "R-1") -> Finding:
    return Finding(
        category=category,
        severity="warning",
        rule_id=rule,
        indicator=indicator,
        evidence=evidence,
        message="…",
        suggestion="…",
    )


DEFECTS = [
    {"indicator": "检测及时率", "category": "unit_missing", "level": "must"},
    {"indicator": "持续发展", "category": "vague_value", "level": "must"},
    {"indicator": "维修维护", "category": "wrong_category", "level": "should"},
    {"indicator": "**", "category": "placeholder", "level": "should"},
]


def test_a_defect_is_found_by_category_and_fragment_with_spaces_and_widths_folded():
    d = _case(defects=DEFECTS[:1]).defects[0]
    assert finds(d, _finding("unit_missing", "≤7工作日", indicator="检 测 及 时 率"))
    assert not finds(d, _finding("implausible_value", "≤7工作日", indicator="检测及时率"))
    star = _case(defects=DEFECTS[3:]).defects[0]
    assert finds(star, _finding("placeholder", "种植作物成活率(≥＊＊%)"))


def test_must_misses_fail_should_misses_are_tolerated_clean_categories_are_false_positives():
    case = _case(defects=DEFECTS, clean=["stale_date"])
    found = [
        _finding("unit_missing", "≤7工作日", "检测及时率"),
        _finding("vague_value", "持续发展"),
        _finding("cost_mismatch", "≤28.40/株", "补助成本"),  # a category the labels say nothing about
    ]
    res = score_labelled_case(case, found)
    assert res["passed"] and res["metrics"] == {
        "must": 2,
        "must_found": 2,
        "should": 2,
        "should_found": 0,
        "false_positives": 0,
        "precision": 1.0,
    }
    assert "未发现（应当，可容忍）" in res["reason"] and "维修维护" in res["reason"]

    worse = score_labelled_case(
        case, [found[0], _finding("stale_date", "2022年", "完成时间", rule="STALE-DATE")]
    )
    assert not worse["passed"]
    assert worse["metrics"]["must_found"] == 1 and worse["metrics"]["false_positives"] == 1
    assert "漏报（必须）：「持续发展」" in worse["reason"] and "[STALE-DATE]" in worse["reason"]
    assert worse["metrics"]["precision"] == 0.5


def test_suite_totals_and_per_page_numbers():
    a = score_labelled_case(_case(defects=DEFECTS), [_finding("unit_missing", "x", "检测及时率")])
    b = score_labelled_case(
        _case(id="p2", defects=DEFECTS[2:], clean=["stale_date"]),
        [_finding("wrong_category", "≥4次", "实验室仪器维修维护"), _finding("stale_date", "2021年")],
    )
    agg = aggregate_labelled([a, b])
    assert (agg["must"], agg["must_found"], agg["should"], agg["should_found"], agg["false_positives"]) == (
        2,
        1,
        4,
        1,
        1,
    )
    assert agg["must_recall"] == 0.5 and agg["should_recall"] == 0.25 and agg["precision"] == round(2 / 3, 4)
    assert agg["pages"] == 2 and agg["pages_passed"] == 0
    assert (
        agg["by_document"]["p2"]["should_recall"] == 0.5 and agg["by_document"]["p2"]["false_positives"] == 1
    )


def _labels(folder: Path, pages: dict) -> Path:
    path = folder / "labels.yaml"
    path.write_text(json.dumps({"cases": pages}, ensure_ascii=False), encoding="utf-8")
    return path


def _case_file(folder: Path, labels: Path) -> Path:
    path = folder / "review_labelled.yaml"
    path.write_text(f"suite: review\nlabels: {labels.as_posix()}\n", encoding="utf-8")
    return path


def test_a_case_file_points_at_a_labels_file_one_case_per_page(tmp_path):
    labels = _labels(tmp_path, {"a": {"doc_type": "target_table", "defects": DEFECTS, "clean": []}, "b": {}})
    cf = load_case_file(_case_file(tmp_path, labels), root=tmp_path)
    assert cf.labelled and [c.id for c in cf.cases] == ["a", "b"]
    assert cf.documents == [(tmp_path / "a.txt").as_posix(), (tmp_path / "b.txt").as_posix()]
    before = cf.sha
    _labels(tmp_path, {"a": {"defects": DEFECTS[:1]}})
    assert load_case_file(_case_file(tmp_path, labels), root=tmp_path).sha != before  # labels are in the hash


def test_a_typo_in_the_labels_fails_loudly_and_missing_labels_give_no_cases(tmp_path):
    bad = [{"indicator": "完成及时率", "category": "implausible", "level": "must"}]
    labels = _labels(tmp_path, {"08_page": {"defects": bad}})
    with pytest.raises(InputError) as e:
        load_case_file(_case_file(tmp_path, labels), root=tmp_path)
    assert "08_page" in str(e.value) and "category" in str(e.value) and "implausible" in str(e.value)
    cf = load_case_file(_case_file(tmp_path, tmp_path / "nowhere" / "labels.yaml"), root=tmp_path)
    assert cf.labelled and cf.cases == [] and cf.data.missing


def test_a_run_reviews_each_page_and_an_unreadable_page_is_that_cases_error(tmp_path):
    pages, cases = tmp_path / "pages", tmp_path / "cases"
    pages.mkdir()
    cases.mkdir()
    vague = replace(
        project().indicators, "新增森林面积", row(BEN, "生态效益指标", "新增森林面积", "持续发挥")
    )
    (pages / "forest.txt").write_text(pasted_pipes(doc(project(vague))), encoding="utf-8")
    (pages / "broken.txt").write_text("这一页没有绩效目标表。\n", encoding="utf-8")
    labels = _labels(
        pages,
        {
            "forest": {
                "defects": [{"indicator": "新增森林面积", "category": "vague_value", "level": "must"}],
                "clean": ["cost_mismatch"],
            },
            "broken": {"defects": [{"indicator": "补助标准", "category": "unit_missing", "level": "must"}]},
        },
    )
    _case_file(cases, labels)
    run = run_eval(["review"], name="lab", runs_dir=tmp_path / "runs", cases_dir=cases)
    scores = json.loads((run / "scores.json").read_text(encoding="utf-8"))["suites"]["review"]
    by_id = {c["id"]: c for c in scores["cases"]}
    assert by_id["forest"]["passed"] and not by_id["broken"]["passed"]
    assert (
        "运行出错" in by_id["broken"]["reason"] and "漏报（必须）：「补助标准」" in by_id["broken"]["reason"]
    )
    wild = scores["labelled"]["review_labelled"]
    assert (wild["must"], wild["must_found"], wild["false_positives"], wild["pages_passed"]) == (2, 1, 0, 1)
    assert scores["cases_total"] == 2 and scores["pass_rate"] == 0.5
    report = (run / "report.md").read_text(encoding="utf-8")
    assert "标注页面（review_labelled）" in report and "必须发现 1/2" in report
