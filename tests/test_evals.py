"""`assistant eval`: runs are folders of answers and scores; re-scoring is exact; compare names the
cases a change flipped; the LLM engine records model and prompt hashes (local fake server only)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assistant.cli import app
from assistant.evals import store
from assistant.evals.compare import compare_runs, flipped_ids

ROOT = Path(__file__).resolve().parent.parent
BASELINE = ROOT / "evals" / "runs" / "baseline"


def cli(*args: str, ok: bool = True):
    result = CliRunner().invoke(app, ["eval", *args])
    if ok:
        assert result.exit_code == 0, result.output
    return result


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("runs")


def test_offline_qa_run_is_rescored_exactly(runs):
    out = cli("run", "--engine", "offline", "--name", "t1", "--suite", "qa", "--runs-dir", str(runs)).output
    assert "问答（qa）：得分" in out
    run = runs / "t1"
    assert {p.name for p in run.iterdir()} >= {
        "meta.json",
        "answers",
        "scores.json",
        "report.md",
        "report.html",
    }
    meta = json.loads((run / "meta.json").read_text(encoding="utf-8"))
    assert meta["engine"] == "offline" and meta["model"] is None and meta["suites"] == ["qa"]
    assert "evals/cases/qa_seed.yaml" in meta["case_files"] and "chat" in meta["prompts"]
    records = [
        json.loads(line) for line in (run / "answers" / "qa.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    assert len(records) >= 86 and all("answer" in r and r["file"] for r in records)
    saved = (run / "scores.json").read_bytes()
    assert "created" not in json.loads(saved) and b"saved_at" not in saved
    assert "与保存的 scores.json 一致" in cli("score", "t1", "--check", "--runs-dir", str(runs)).output
    cli("score", "t1", "--runs-dir", str(runs))
    assert (run / "scores.json").read_bytes() == saved
    again = cli("run", "--name", "t1", "--suite", "qa", "--runs-dir", str(runs), ok=False)
    assert again.exit_code == 2 and "已存在" in again.output and "--overwrite" in again.output


def test_committed_baseline_is_reproduced_exactly(tmp_path):
    from test_eval_gate import labels_missing

    if missing := labels_missing():
        pytest.skip(f"标注文件不在本机，基线无法复现：{'、'.join(missing)}")
    assert (BASELINE / "meta.json").is_file(), (
        "evals/runs/baseline is missing: run `assistant eval run --name baseline`"
    )
    committed = json.loads((BASELINE / "scores.json").read_text(encoding="utf-8"))
    assert set(committed["suites"]) == {"review", "draft", "qa", "retrieval"}
    check = cli("score", "baseline", "--check", ok=False)  # reads the repository copy, writes nothing
    assert check.exit_code == 0, check.output
    shutil.copytree(BASELINE, tmp_path / "baseline")
    cli("score", "baseline", "--runs-dir", str(tmp_path))
    assert json.loads((tmp_path / "baseline" / "scores.json").read_text(encoding="utf-8")) == committed


def test_a_lexicon_change_flips_exactly_the_review_cases_it_touches(runs, monkeypatch):
    from assistant import rules

    cli("run", "--suite", "review", "--name", "rv-a", "--runs-dir", str(runs))
    real = rules.load_lexicon()
    # a department that accepts 较上年提高 as a measurable value: off the vague list, onto the accepted one
    lex = real.model_copy(
        update={
            "vague_phrases": [p for p in real.vague_phrases if p != "较上年提高"],
            "binary_values": [*real.binary_values, "较上年提高"],
        }
    )
    monkeypatch.setattr(rules, "load_lexicon", lambda *a, **k: lex)
    cli("run", "--suite", "review", "--name", "rv-b", "--runs-dir", str(runs))

    before = store.load_scores("rv-a", runs)["suites"]["review"]["cases"]
    from assistant.evals.cases import load_cases

    touched = {
        c.id
        for cf in load_cases(suites=["review"])["review"]
        if not cf.labelled
        for c in cf.cases
        if any(e.evidence == "较上年提高" for e in c.expect)
    }
    passing = {c["id"] for c in before if c["passed"]}
    assert {"seed-t02", "seed-t08", "seed-t15", "jy-t01"} <= touched
    comparison = compare_runs("rv-a", "rv-b", runs)
    assert flipped_ids(comparison) == {"pass_to_fail": sorted(touched & passing), "fail_to_pass": []}
    review = comparison["suites"]["review"]
    recall = next(m for m in review["metrics"] if m["name"] == "recall")
    assert recall["delta"] < 0
    out = cli("compare", "rv-a", "rv-b", "--runs-dir", str(runs)).output
    assert (
        "通过→失败 seed-t02" in out
        and "漏报：「持续发挥自然资源各项职能」指标值模糊、不可衡量（较上年提高）" in out
    )
    folder = runs / "_compare" / "rv-a__rv-b"
    assert (
        "seed-t08" in (folder / "compare.md").read_text(encoding="utf-8")
        and (folder / "compare.html").is_file()
    )
    listed = [r["name"] for r in store.list_runs(runs)]
    assert {"rv-a", "rv-b"} <= set(listed) and "_compare" not in listed


def test_llm_run_records_model_and_prompt_hashes(fake_openai, no_network, runs):
    from assistant.llm import prompt_hash

    fake_openai.responder = lambda body: "项目8的预算数为31.98万元[P8-预算数|31.98]。"
    cases = ["--case", "qa-01", "--case", "qa-54", "--case", "jy-qa-01"]
    out = cli(
        "run", "--engine", "llm", "--suite", "qa", "--name", "llm1", "--runs-dir", str(runs), *cases
    ).output
    assert "通过" in out and len(fake_openai.requests) >= 3
    meta = store.load_meta("llm1", runs)
    assert (
        meta["engine"] == "llm" and meta["model"] == "fake-model" and meta["llm_base_url"] == fake_openai.url
    )
    assert meta["prompts"]["chat"] == prompt_hash("chat") and meta["prompts"]["system_json"] == prompt_hash(
        "system_json"
    )
    answers = store.read_answers(store.run_dir("llm1", runs))["qa"]
    assert sorted(answers) == ["jy-qa-01", "qa-01", "qa-54"]
    assert answers["qa-01"]["answer"]["engine"] == "llm"
    assert store.load_scores("llm1", runs)["suites"]["qa"]["cases_total"] == 3


def test_llm_engine_needs_an_endpoint(runs):
    result = cli("run", "--engine", "llm", "--suite", "qa", "--name", "x", "--runs-dir", str(runs), ok=False)
    assert (
        result.exit_code == 2 and "JIXIAO_LLM_BASE_URL" in result.output and "Traceback" not in result.output
    )


def test_readability_judge_runs_only_when_named(fake_openai, no_network, tmp_path):
    from assistant.evals.judge import judge_draft_readability, run_judges
    from assistant.evals.scorers import SCORERS
    from assistant.models import Draft

    assert [s.name for s in SCORERS if s.llm] == ["draft_readability"]
    shutil.copytree(BASELINE, tmp_path / "baseline")
    draft = Draft.model_validate(store.read_answers(tmp_path / "baseline")["draft"]["draft-01"]["draft"])
    fake_openai.reply_json({"score": 3, "problems": ["“保障运转”不可衡量"]}, {"score": 5, "problems": []})
    verdict = judge_draft_readability(draft)
    assert (verdict.passed, verdict.score, verdict.reason) == (False, 0.5, "“保障运转”不可衡量")
    assert "局属场医保" in fake_openai.messages(0)[-1]["content"]
    out = run_judges("baseline", ["draft_readability"], tmp_path, only=["draft-02"])
    judged = json.loads((tmp_path / "baseline" / "judges.json").read_text(encoding="utf-8"))
    assert judged == out and judged["draft_readability"]["model"] == "fake-model"
    assert judged["draft_readability"]["cases"] == [
        {"id": "draft-02", "passed": True, "score": 1.0, "reason": ""}
    ]
    scores = json.loads((tmp_path / "baseline" / "scores.json").read_text(encoding="utf-8"))
    assert "draft_readability" not in json.dumps(scores)  # judges never touch the deterministic scores


def test_report_api_returns_plain_data(runs):
    cli("run", "--suite", "qa", "--case", "qa-01", "--name", "api", "--runs-dir", str(runs))
    runs_list = store.list_runs(runs)
    assert runs_list and all({"name", "engine", "created", "headline"} <= set(r) for r in runs_list)
    scores = store.load_scores("api", runs)
    assert scores["suites"]["qa"]["score"] == store.headline(scores)["qa"]
    with pytest.raises(Exception, match="找不到评测运行"):
        store.load_scores("nope", runs)
