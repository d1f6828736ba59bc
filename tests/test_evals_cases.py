"""Eval cases as data: every case file loads strictly, labels point at real rows, the seed's review
cases follow the golden findings, typos fail loudly in Chinese; the scorers are pure functions."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from assistant.errors import InputError
from assistant.evals.cases import CASES_DIR, load_case_file, load_cases, resolve
from assistant.evals.compare import compare_scores, flipped_ids
from assistant.evals.report import compare_blocks, run_blocks, to_html, to_markdown
from assistant.evals.review import match_findings, prf, score_review_case
from assistant.models import Finding

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden" / "seed_findings.json"
NEW_DOCS = {
    "review_jiaoyu.yaml": 6,
    "review_weijian.yaml": 6,
    "review_jiaotong.yaml": 5,
}


@pytest.fixture(scope="module")
def cases():
    return load_cases()


@pytest.fixture(scope="module")
def docs(cases):
    from assistant.readers import read_document

    return {
        d: read_document(resolve(d))
        for cf in cases["review"] + cases["qa"]
        if not cf.labelled
        for d in cf.documents
    }


def test_every_suite_has_cases(cases):
    counts = {s: sum(len(cf.cases) for cf in files) for s, files in cases.items()}
    assert (
        counts["review"] >= 39 and counts["qa"] >= 86 and counts["draft"] >= 23 and counts["retrieval"] >= 57
    )
    assert {cf.path.name for cf in cases["review"]} >= set(NEW_DOCS) | {"review_seed.yaml"}


def test_new_documents_parse_cleanly(docs):
    for name, n in NEW_DOCS.items():
        doc = docs[load_case_file(CASES_DIR / name).data.document]
        assert doc.warnings == [] and doc.budget_year == 2025, name
        assert len(doc.projects) == n and all(p.name and p.budget and p.indicators for p in doc.projects), (
            name
        )
    health = docs["evals/docs/青山县卫生健康局2025年部门预算绩效文本.docx"]
    assert {i.level1 for p in health.projects for i in p.indicators} == {
        "成本指标",
        "产出指标",
        "效益指标",
        "满意度指标",
    }
    assert health.projects[0].indicators[0].level2 == "经济成本指标"


def test_review_labels_name_real_projects_and_rows(cases, docs):
    for cf in (cf for cf in cases["review"] if not cf.labelled):
        doc = docs[cf.data.document]
        names = {p.name: {i.level3 for i in p.indicators} for p in doc.projects}
        assert set(names) <= {c.project for c in cf.cases}, cf.rel  # every project has a case
        for case in cf.cases:
            rows = names.get(case.project, set())
            assert case.project is None or case.project in names, (cf.rel, case.id)
            for e in case.expect:
                assert e.indicator is None or e.indicator in rows, (case.id, e.indicator)
            for m in case.must_not_flag:
                assert m.indicator in (None, "*") or m.indicator in rows, (case.id, m.indicator)


def test_seed_review_cases_follow_the_golden_findings(cases):
    golden = json.loads(GOLDEN.read_text(encoding="utf-8"))
    want = Counter(
        (g["project"], g["indicator"], g["category"], g["rule_id"], g["evidence"]) for g in golden["findings"]
    )
    seed = next(cf for cf in cases["review"] if cf.path.name == "review_seed.yaml")
    have = Counter(
        (c.project, e.indicator, e.category, e.rule, e.evidence) for c in seed.cases for e in c.expect
    )
    assert have == want


def test_qa_citations_point_inside_the_documents(cases, docs):
    for cf in cases["qa"]:
        doc = docs[cf.data.document]
        for case in cf.cases:
            for c in case.citations:
                if c.section is not None:  # 第一部分 text: the section (and the 分项 number) exists
                    text = {"总体绩效目标": doc.overall_goal, "工作保障措施": doc.safeguards}.get(c.section)
                    assert text or (c.section == "分项绩效目标" and doc.goal_areas), case.id
                    assert c.item is None or c.item in {a.number for a in doc.goal_areas}, case.id
                    continue
                assert 1 <= c.table <= len(doc.projects), case.id
                assert c.row is None or c.row <= len(doc.projects[c.table - 1].indicators), case.id


@pytest.mark.parametrize(
    ("name", "body", "words"),
    [
        (
            "review_x.yaml",
            "document: a.txt\ncases:\n  - id: r1\n    project: 甲\n    expect: [{categroy: vague_value}]\n",
            ["review_x.yaml", "cases[0].expect[0].categroy", "未知字段", "r1"],
        ),
        (
            "review_x.yaml",
            "document: a.txt\ncases:\n  - id: r1\n    project: 甲\n    expect: [{category: vauge}]\n",
            ["cases[0].expect[0].category", "vauge", "不在允许范围内"],
        ),
        (
            "qa_x.yaml",
            "suite: qa\ndocument: a.txt\ncases:\n  - {id: q1, questoin: 预算？}\n",
            ["qa_x.yaml", "questoin", "未知字段"],
        ),
        (
            "drafts_x.yaml",
            "suite: draft\ncases:\n  - {id: d1, name: 甲, budget: 十万}\n",
            ["cases[0].budget", "应为数字"],
        ),
        (
            "retrieval_x.yaml",
            "cases:\n  - {id: a, query: q, expected: [{project: 甲}], typo: 1}\n",
            ["retrieval_x.yaml", "typo"],
        ),
        ("review_x.yaml", "document: a.txt\ncases: [\n", ["不是合法的 YAML"]),
        ("notes.yaml", "cases: []\n", ["不属于任何评测集"]),
        (
            "qa_x.yaml",
            "suite: qa\ndocument: a.txt\ncases:\n  - {id: q1, question: 甲}\n  - {id: q1, question: 乙}\n",
            ["重复", "q1"],
        ),
    ],
)
def test_bad_case_files_fail_loudly_in_chinese(tmp_path, name, body, words):
    path = tmp_path / name
    path.write_text(body, encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_case_file(path)
    assert all(w in str(err.value) for w in words), str(err.value)


def test_duplicate_ids_across_files_of_a_suite(tmp_path):
    for n in (1, 2):
        (tmp_path / f"qa_{n}.yaml").write_text(
            "suite: qa\ndocument: a.txt\ncases:\n  - {id: q1, question: 甲}\n", encoding="utf-8"
        )
    with pytest.raises(InputError, match="q1.*qa_1.yaml.*qa_2.yaml"):
        load_cases(tmp_path)


# --- pure scorers ----------------------------------------------------------------------------------
def _finding(project, indicator, category, evidence="x", rule="R"):
    return Finding(
        category=category,
        severity="warning",
        rule_id=rule,
        project=project,
        indicator=indicator,
        message="m",
        suggestion="s",
        evidence=evidence,
    )


def _case(**kw):
    from assistant.evals.cases import ReviewCase

    return ReviewCase.model_validate({"id": "c1", "project": "甲", **kw})


def test_review_matching_is_by_project_indicator_and_category():
    case = _case(
        expect=[
            {"indicator": "A", "category": "vague_value", "evidence": "较上年提高"},
            {"category": "copied_text"},
        ],
        must_not_flag=[{"indicator": "B", "category": "cost_mismatch", "note": "15000元 即 1.50 万元"}],
    )
    found = [
        _finding("甲", "A", "vague_value", "持续发挥"),
        _finding("甲", "A", "vague_value", "较上年提高"),
        _finding("甲", None, "copied_text"),
        _finding("甲", "B", "cost_mismatch", "15000元", "COST-OVER-BUDGET"),
    ]
    m = match_findings(case, found)
    assert [f.evidence for _, f in m.tp] == ["较上年提高", "x"]  # evidence breaks the tie
    assert {f.evidence for f in m.fp} == {"持续发挥", "15000元"} and len(m.violations) == 1
    res = score_review_case(case, found)
    assert not res["passed"] and res["metrics"]["tp"] == 2 and res["metrics"]["fp"] == 2
    assert "不应标记：「B」成本指标与预算不符（15000元）——15000元 即 1.50 万元" in res["reason"]
    assert "误报：「A」指标值模糊、不可衡量（持续发挥）[R]" in res["reason"]
    miss = score_review_case(case, found[1:2])
    assert miss["reason"] == "漏报：项目整体描述照抄" and miss["score"] == round(2 * 1 * 0.5 / 1.5, 4)
    assert prf(0, 0, 0) == {"precision": 1.0, "recall": 1.0, "f1": 1.0}
    assert score_review_case(_case(expect=[]), [])["passed"]


def test_compare_lists_flips_and_deltas():
    a = {
        "suites": {
            "qa": {
                "score": 0.5,
                "cases": [
                    {"id": "x", "passed": True, "reason": ""},
                    {"id": "y", "passed": False, "reason": "缺少：1"},
                ],
            }
        }
    }
    b = {
        "suites": {
            "qa": {
                "score": 0.5,
                "cases": [
                    {"id": "x", "passed": False, "reason": "缺少：2"},
                    {"id": "y", "passed": True, "reason": ""},
                ],
            }
        }
    }
    c = compare_scores(a, b)
    assert flipped_ids(c) == {"pass_to_fail": ["x"], "fail_to_pass": ["y"]}
    assert c["suites"]["qa"]["metrics"] == [{"name": "score", "a": 0.5, "b": 0.5, "delta": 0.0}]
    other = compare_scores({"suites": {**a["suites"], "review": {"score": 1.0}}}, b)
    assert list(other["suites"]) == ["qa"] and other["only_a"] == ["review"]  # suites both ran
    assert list(compare_scores({}, b)["suites"]) == ["qa"]  # no earlier run: one-sided metrics
    c.update(a="A", b="B")
    md = to_markdown(compare_blocks(c))
    assert "通过→失败（1）" in md and "| x |  | 缺少：1 → 缺少：2" not in md and "缺少：2" in md


def test_reports_are_tables_without_network_assets():
    scores = {
        "suites": {
            "review": {
                "score": 0.9,
                "precision": 0.8,
                "recall": 1.0,
                "f1": 0.9,
                "pass_rate": 0.5,
                "cases_total": 2,
                "cases_passed": 1,
                "by_category": {
                    "vague_value": {"tp": 1, "fp": 1, "fn": 0, "precision": 0.5, "recall": 1.0, "f1": 0.6667}
                },
                "by_document": {},
                "cases": [{"id": "c|1", "file": "f", "passed": False, "score": 0.5, "reason": "误报：<x>"}],
            }
        }
    }
    blocks = run_blocks({"name": "r", "engine": "offline", "prompts": {"chat": "abc"}}, scores)
    md, page = to_markdown(blocks), to_html(blocks, "r")
    assert "| 指标值模糊、不可衡量 | 1 | 1 | 0 | 0.5 | 1 | 0.6667 |" in md and "c\\|1" in md
    assert "&lt;x&gt;" in page and 'class="bar' in page and "http" not in page.replace('lang="zh-CN"', "")
