"""Optional LLM-judge scorers (registry flag `llm=True` in scorers.py): never run by default, only when
named (`assistant eval score RUN --judge draft_readability`). Their verdicts go to judges.json in the
run folder, apart from the deterministic scores.json."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from ..errors import InputError, LLMError
from ..models import Draft
from . import store
from .qa import Score
from .scorers import scorer


class ReadabilityVerdict(BaseModel):
    model_config = ConfigDict(extra="ignore")
    score: int = Field(ge=1, le=5)
    problems: list[str] = Field(default_factory=list)


def judge_draft_readability(draft: Draft, chat=None) -> Score:
    """1–5 from the model, mapped to 0..1; passes at 4 or more; the reason lists the model's problems."""
    from ..llm import build_chat_model, prompt, structured_call
    from ..writers.draft import draft_markdown

    chat = chat if chat is not None else build_chat_model()
    if chat is None:
        raise LLMError("大模型评审需要先配置 JIXIAO_LLM_BASE_URL 与 JIXIAO_LLM_MODEL。")
    res = structured_call(
        chat, [("user", prompt("judge_draft", table=draft_markdown(draft)))], ReadabilityVerdict
    )
    v = res.parsed
    passed = v.score >= 4
    return Score(
        passed=passed, score=round((v.score - 1) / 4, 4), reason="" if passed else "；".join(v.problems)
    )


JUDGES = {"draft_readability": ("draft", judge_draft_readability, "judge_draft")}


def run_judges(
    name: str, judges: list[str], runs_dir: str | Path | None = None, only: list[str] | None = None
) -> dict:
    """Run the named judges over the run's saved answers; writes and returns judges.json's content."""
    from ..llm import prompt_hash
    from ..settings import get_settings

    run = store.run_dir(name, runs_dir)
    answers = store.read_answers(run)
    path = run / "judges.json"
    out = store.read_json(path) if path.is_file() else {}
    for judge in judges:
        info = scorer(judge)
        if not info.llm or judge not in JUDGES:
            raise InputError(
                f"「{judge}」不是大模型评审评分器；确定性评分器由 assistant eval score 自动运行。"
            )
        suite, fn, prompt_name = JUDGES[judge]
        cases = []
        for cid, rec in sorted(answers.get(suite, {}).items()):
            if (only and cid not in only) or "draft" not in rec:
                continue
            try:
                s = fn(Draft.model_validate(rec["draft"]))
                cases.append({"id": cid, "passed": s.passed, "score": s.score, "reason": s.reason})
            except LLMError as e:
                cases.append(
                    {"id": cid, "passed": False, "score": 0.0, "reason": f"评审出错：{e}", "error": True}
                )
        done = [c["score"] for c in cases if not c.get("error")]
        out[judge] = {
            "suite": suite,
            "model": get_settings().llm_model,
            "prompt_hash": prompt_hash(prompt_name),
            "score": round(sum(done) / len(done), 4) if done else 0.0,
            "cases": cases,
        }
    store.write_json(path, out)
    return out
