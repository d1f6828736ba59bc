"""The whole seed reviewed: exactly the hand-checked golden findings, every named defect, no false alarms."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest
from builders import pasted_pipes
from typer.testing import CliRunner

from assistant.cli import app
from assistant.readers import read_bytes
from assistant.review.reviewer import Reviewer, review_document
from assistant.writers.docx import document_docx

GOLDEN = Path(__file__).parent / "golden" / "seed_findings.json"
FIELDS = ("table", "project", "indicator", "category", "rule_id", "severity", "evidence")


def _key(f) -> tuple:
    d = f if isinstance(f, dict) else {**f.model_dump(), "table": f.location.table}
    return tuple("" if d[k] is None else str(d[k]) for k in FIELDS)


@pytest.fixture
def seed_text(seed_path) -> str:
    return seed_path.read_text(encoding="utf-8")


@pytest.fixture
def result(seed_doc, seed_text):
    return review_document(seed_doc, source_text=seed_text)


def _find(result, rule_id=None, project=None, indicator=None, evidence=None):
    return [
        f
        for f in result.findings
        if (rule_id is None or f.rule_id == rule_id)
        and (project is None or (f.project or "").startswith(project))
        and (indicator is None or f.indicator == indicator)
        and (evidence is None or f.evidence == evidence)
    ]


def test_seed_matches_golden(result):
    golden = json.loads(GOLDEN.read_text(encoding="utf-8"))
    assert sorted(_key(f) for f in result.findings) == sorted(_key(g) for g in golden["findings"])
    assert result.summary() == golden["summary"]


def test_seed_named_defects_are_found(result, seed_doc):
    assert [f.severity for f in _find(result, "PH-REDACTED", "冀财建【2023】182号资金")] == ["error"]
    # one finding for the redacted table, not 20 duplicates
    assert len([f for f in result.findings if f.project == "冀财建【2023】182号资金"]) == 1
    vague = {(f.project, f.indicator) for f in result.findings if f.category == "vague_value"}
    named = [
        (p.name, i.level3)
        for p in seed_doc.projects
        for i in p.indicators
        if i.value_raw in ("较上年提高", "较上年改善", "持续发挥")
    ]
    assert len(named) == 7 and set(named) <= vague
    assert _find(result, "COST-OVER-BUDGET", evidence="101.73万元")[0].severity == "error"
    assert _find(result, "STALE-DATE", "义务植树经费", evidence="2022年春季完成")
    assert _find(result, "STALE-DATE", "不动产信息化建设", evidence="2017年12月已完成")
    assert _find(result, "STALE-PAST", "企业改制资金", evidence="已支付")
    assert _find(result, "STALE-PAST", "造林补贴、苗木费", evidence="已完成")
    assert len(_find(result, "STALE-PAST", "“互联网+一窗受理”")) == 2
    assert _find(result, "IMPL-GROWTH", "不动产业务经费", "税收增长率")
    assert _find(result, "WRONG-LEVEL2", "“互联网+一窗受理”", "税收增长率")
    assert _find(result, "WRONG-LEVEL2", "“互联网+一窗受理”", "维持不动产登记服务能力")
    [residue] = _find(result, "PH-RESIDUE")
    assert residue.evidence == "卢龙县财政（厅/局）审核" and residue.location.line is not None
    assert _find(result, "GAP-PROMISE", "造林补贴、苗木费", evidence="增加农民收入")
    assert _find(result, "GAP-NUMBER", "不动产业务经费", evidence="不动产登记宣传二次")
    unfunded = {f.evidence for f in _find(result, "DEPT-UNFUNDED")}
    assert unfunded == {"新增耕地2000亩", "26处历史遗留矿山"}  # 营造林0.5万亩 is funded (项目5/8/13)


def test_seed_false_alarms_are_absent(result):
    assert not [f for f in result.findings if f.project == "企业改制资金" and f.category == "cost_mismatch"]
    p6 = [f for f in result.findings if (f.project or "").startswith("冀财资环[2023]88号")]
    assert not [f for f in p6 if f.category == "cost_mismatch"]
    assert [f.rule_id for f in p6 if f.category == "unit_missing"] == ["UNIT-PER"]
    assert not [
        f
        for f in result.findings
        if f.project == "专网信息传输及技术服务费" and f.category == "cost_mismatch"
    ]
    doc_no = re.compile(r"[\[【〔]\s*20\d\d\s*[\]】〕]")
    assert not [f for f in result.findings if f.category == "stale_date" and doc_no.search(f.evidence)]
    assert not _find(result, "PLAN-DEADLINE")  # 国土空间规划: 0/100/100/100 with 6月完成 is consistent
    assert not [f for f in result.findings if "营造林" in f.evidence]


def test_every_finding_is_grounded_and_explained(result, seed_text):
    for f in result.findings:
        assert f.evidence and f.evidence in seed_text, f
        assert re.search(r"[\u4e00-\u9fff]", f.suggestion) and re.search(r"[\u4e00-\u9fff]", f.message), f
        assert f.source == "rule"


def test_findings_are_sorted_and_summarised(result, seed_doc):
    order = {p.name: n for n, p in enumerate(seed_doc.projects)}
    keys = [-1 if f.project is None else order[f.project] for f in result.findings]
    assert keys == sorted(keys)
    assert result.has_errors
    s = result.summary()
    assert (
        s["total"] == len(result.findings) == sum(s["by_severity"].values()) == sum(s["by_category"].values())
    )


def test_reviewer_with_real_embeddings_gives_the_same_findings(seed_doc, seed_text):
    r = Reviewer().review(seed_doc, source_text=seed_text)
    assert r.goal_map.method == "keywords+embeddings"
    assert sorted(map(_key, r.findings)) == sorted(
        map(_key, review_document(seed_doc, source_text=seed_text).findings)
    )
    assert [link.area for link in r.goal_map.areas_for("国土空间规划")][:1] == [7]
    assert Reviewer(llm_requested=True, use_embeddings=False).review(seed_doc).notices


class _Flat:
    def embed_passages(self, texts):
        return np.ones((len(texts), 2), dtype=np.float32) / np.sqrt(2)


@pytest.fixture
def cli(monkeypatch):
    monkeypatch.setattr("assistant.kb.embeddings.get_embedder", lambda: _Flat())
    return CliRunner()


def test_cli_text_exit_codes(cli, seed_path):
    r = cli.invoke(app, ["check", str(seed_path)])
    assert r.exit_code == 1
    assert "错误" in r.stdout and "COST-OVER-BUDGET" in r.stdout and "建议：" in r.stdout
    r = cli.invoke(app, ["check", str(seed_path), "--no-fail", "--min-severity", "error"])
    assert r.exit_code == 0 and "警告" not in r.stdout.replace("警告0条", "")


def test_cli_json_md_xlsx(cli, seed_path, tmp_path):
    r = cli.invoke(app, ["check", str(seed_path), "-f", "json", "--no-fail"])
    data = json.loads(r.stdout)
    assert (
        data["summary"]["total"]
        == len(data["findings"])
        == json.loads(GOLDEN.read_text())["summary"]["total"]
    )
    md = tmp_path / "r.md"
    assert cli.invoke(app, ["check", str(seed_path), "-f", "md", "-o", str(md), "--no-fail"]).exit_code == 0
    assert "| 序号 | 级别 |" in md.read_text(encoding="utf-8")
    xlsx = tmp_path / "r.xlsx"
    assert cli.invoke(app, ["check", str(seed_path), "-f", "xlsx", "-o", str(xlsx)]).exit_code == 1
    from openpyxl import load_workbook

    ws = load_workbook(xlsx)["审核结果"]
    assert [c.value for c in ws[1]][:4] == ["序号", "级别", "问题类别", "规则"]
    rules = {c.value for c in ws["D"][1:]}
    assert "整张绩效目标表以“密”等占位符代替内容（PH-REDACTED）" in rules  # a Chinese name, the id for policies
    assert ws.max_row == data["summary"]["total"] + 1


def test_cli_llm_notice_policy_and_bad_input(cli, seed_path, tmp_path):
    r = cli.invoke(app, ["check", str(seed_path), "--llm", "--no-fail", "--min-severity", "error"])
    assert r.exit_code == 0 and "仅运行规则检查" in r.stderr
    policy = tmp_path / "p.yaml"
    policy.write_text(
        "rules:\n  COST-OVER-BUDGET: warning\n  PH-REDACTED: off\n  STALE-DATE: info\n", encoding="utf-8"
    )
    assert cli.invoke(app, ["check", str(seed_path), "--policy", str(policy)]).exit_code == 0
    policy.write_text("rules:\n  COST-OVER-BUDGET: loud\n", encoding="utf-8")
    r = cli.invoke(app, ["check", str(seed_path), "--policy", str(policy)])
    assert r.exit_code == 2 and r.stderr.startswith("错误：") and "Traceback" not in r.output
    r = cli.invoke(app, ["check", str(tmp_path / "none.txt")])
    assert r.exit_code == 2 and "找不到文件" in r.stderr
    r = cli.invoke(app, ["check", str(seed_path), "-f", "xlsx"])
    assert r.exit_code == 2 and "-o" in r.stderr


def test_same_findings_from_docx_and_pasted_text(seed_doc, result):
    """The review sees content, not format: the seed as .docx or pasted pipe rows gives the same findings."""
    want = sorted((f.rule_id, f.project or "", f.indicator or "", f.evidence) for f in result.findings)
    for name, data in (("seed.docx", document_docx(seed_doc)), ("seed.txt", pasted_pipes(seed_doc).encode())):
        got = review_document(read_bytes(data, name)).findings
        assert sorted((f.rule_id, f.project or "", f.indicator or "", f.evidence) for f in got) == want, name
