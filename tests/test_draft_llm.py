"""LLM drafting through the real ChatOpenAI client against the local fake server (tests/fake_openai.py)."""

from __future__ import annotations

import json
import re

import pytest
from fake_openai import Reply
from typer.testing import CliRunner

from assistant.cli import app
from assistant.draft import LLMDrafter, MemoryPrecedents
from assistant.engines import drafter
from assistant.llm import AnswerCache, build_chat_model
from assistant.models import DraftRequest
from assistant.settings import get_settings

pytestmark = pytest.mark.usefixtures("no_network", "no_tiktoken")

FOREST = (
    "冀财资环【2022】91号-提前下达2023年中央林业改革发展资金（造林补贴、森林抚育）"  # 表8, 第3行 成活率 ≥85%
)
REQ = DraftRequest(name="人工造林项目", budget=80, purpose="人工造林1000亩，6月底前完成", year=2025)
FALLBACK = "已改用离线引擎"



@pytest.fixture
def seed_precedents(seed_doc):
    return MemoryPrecedents([seed_doc])


def draft_with_llm(req, precedents):
    """The LLM engine on the endpoint the test configured."""
    return LLMDrafter(build_chat_model(), precedents).draft(req)


def row(line: str, precedents=(), confidence=0.8) -> dict:
    level1, level2, level3, description, value, basis = line.split("|")
    return {
        "level1": level1,
        "level2": level2,
        "level3": level3,
        "description": description,
        "value": value,
        "basis": basis,
        "precedents": list(precedents),
        "confidence": confidence,
    }


def answer(survival_id="", benefit="≥1000亩", satisfaction=True, cost="≤80万元"):
    """A table for REQ; the 成活率 row cites the seed's row (and a made-up id)."""
    rows = [
        row("产出指标|数量指标|人工造林面积|年度内完成人工造林面积|≥1000亩|项目实施方案", confidence=0.9),
        row("产出指标|质量指标|造林成活率|当年新造林的成活比例|≥85%|造林技术规程", [survival_id, "P9-R99"]),
        row("产出指标|时效指标|项目完成时间|在规定时限内完成造林任务|2025年6月底前完成|项目实施方案"),
        row(
            f"产出指标|成本指标|项目预算控制数|项目全年支出控制在批复预算以内|{cost}|年初预算安排",
            confidence=1.5,
        ),
        row(f"效益指标|生态效益指标|新增森林面积|通过人工造林增加的森林面积|{benefit}|项目实施方案"),
    ]
    if satisfaction:
        rows.append(
            row("满意度指标|服务对象满意度指标|群众满意度|通过问卷调查了解群众对造林的满意程度|≥90%|问卷调查")
        )
    goal = "1.2025年6月底前完成人工造林1000亩，造林成活率≥85%。\n2.增加森林面积，服务对象满意度≥90%。"
    return {"goal": goal, "spending_plan": [40, 100, 100, 100], "rows": rows}


def survival_id(body: dict) -> str:
    """The id the request gave 表8 第3行 (成活率 ≥85%) of the seed."""
    system = body["messages"][0]["content"]
    block = system[system.index(f"「{FOREST}」") :]
    m = re.search(r"\[(P\d-R3)\] 产出指标｜质量指标｜成活率｜造林质量达标标准｜≥85%", block)
    assert m, "precedent row not in the request"
    return m.group(1)


def replying(*answers):
    """A responder giving the answers in turn, each with the real id of the 成活率 precedent."""
    queue = list(answers)

    def respond(body):
        make = queue.pop(0) if len(queue) > 1 else queue[0]
        return json.dumps(make(survival_id(body)), ensure_ascii=False)

    return respond


def test_valid_answer_becomes_an_llm_draft_with_mapped_precedents(fake_openai, seed_precedents, seed_doc):
    fake_openai.responder = replying(lambda sid: answer(sid))
    d = draft_with_llm(REQ, seed_precedents)
    assert d.engine == "llm" and len(fake_openai.requests) == 1
    values = [r.indicator.value_raw for r in d.rows]
    assert values == ["≥1000亩", "≥85%", "2025年6月底前完成", "≤80万元", "≥1000亩", "≥90%"]
    assert d.rows[0].indicator.value.kind == "quantity" and d.rows[3].indicator.value.normalized == 80
    (prec,) = d.rows[1].precedents  # the made-up id P9-R99 is dropped
    assert (prec.project, prec.location.table, prec.location.row, prec.value_raw) == (FOREST, 8, 3, "≥85%")
    assert prec.document == seed_doc.title and prec.location.file == seed_doc.projects[7].source.file
    assert d.rows[3].confidence == 1.0 and not d.rows[0].precedents
    assert any("P9-R99" in n and "不存在" in n for n in d.notes)
    assert not [f for f in d.findings if f.severity == "error"]
    assert d.project.spending_plan.jun == 100 and d.project.budget == 80 and "1000亩" in d.project.goal

    system = fake_openai.last_request["messages"][0]["content"]
    assert "人工造林1000亩，6月底前完成" in system and "≤80万元" in system
    assert (
        f"「{FOREST}」" in system
        and "JSON Schema" in system
        and '"spending_plan"' in system
        and '"precedents"' in system
    )


def test_reviewer_findings_and_gaps_are_sent_back_for_revision(fake_openai, seed_precedents):
    fake_openai.responder = replying(
        lambda sid: answer(sid, benefit="较上年提高", satisfaction=False), answer
    )
    d = draft_with_llm(REQ, seed_precedents)
    assert d.engine == "llm" and len(fake_openai.requests) == 2
    assert d.rows[-1].indicator.level3 == "群众满意度"
    assert "较上年提高" not in d.project.model_dump_json()
    assert any("修改了1次" in n for n in d.notes)
    revise = fake_openai.requests[1]["messages"]
    assert revise[-2]["role"] == "assistant" and "较上年提高" in revise[-2]["content"]
    ask = revise[-1]["content"]
    assert "第1次修改" in ask and "缺少必备指标：满意度指标" in ask
    assert "第5行「新增森林面积」" in ask and "较上年提高" in ask  # the reviewer's finding, quoted


def test_incomplete_answer_falls_back_to_offline_after_two_revisions(fake_openai, seed_precedents):
    fake_openai.responder = replying(lambda sid: answer(sid, cost="≤100万元"))
    d = draft_with_llm(REQ, seed_precedents)
    assert len(fake_openai.requests) == 3  # one call and two revisions
    assert "第2次修改" in fake_openai.last_request["messages"][-1]["content"]
    assert d.engine == "offline" and d.rows
    assert d.notes[0].startswith("大模型起草的绩效目标表经2次修改仍未通过检查（") and FALLBACK in d.notes[0]
    assert "≤80万元" in d.notes[0]


def test_a_failed_revision_keeps_a_draft_with_only_warnings(fake_openai, seed_precedents):
    first = replying(lambda sid: answer(sid, benefit="较上年提高"))
    fake_openai.responder = lambda body: first(body) if len(fake_openai.requests) == 1 else Reply(status=500)
    d = draft_with_llm(REQ, seed_precedents)
    assert d.engine == "llm" and len(fake_openai.requests) == 2
    assert any("大模型修改时出错" in n and "HTTP 500" in n for n in d.notes)
    assert [f.severity for f in d.findings if f.evidence == "较上年提高"] == ["warning"]


@pytest.mark.parametrize("failure", ["invalid", "500"])
def test_endpoint_failures_fall_back_with_a_note(fake_openai, seed_precedents, failure):
    if failure == "invalid":
        fake_openai.reply("这不是JSON", '{"goal": "x"}', '{"rows": []}')
    else:
        fake_openai.error(500, "upstream down")
    d = draft_with_llm(REQ, seed_precedents)
    assert d.engine == "offline" and not [f for f in d.findings if f.severity == "error"]
    assert d.notes[0].startswith("大模型起草失败（") and FALLBACK in d.notes[0]
    assert ("HTTP 500" in d.notes[0]) if failure == "500" else ("3次" in d.notes[0])


def test_draft_project_picks_the_llm_engine_and_replays_saved_answers(
    fake_openai, seed_precedents, monkeypatch, tmp_path
):
    answers = tmp_path / "answers"  # this test's own answer cache (the shared cache dir holds others')
    monkeypatch.setattr(
        AnswerCache, "from_settings", lambda s=None: AnswerCache(answers, get_settings().llm_cache)
    )
    monkeypatch.setenv("JIXIAO_LLM_CACHE", "on")
    get_settings.cache_clear()
    fake_openai.responder = replying(lambda sid: answer(sid, benefit="较上年提高"), answer)
    first = drafter(get_settings(), seed_precedents)[0].draft(REQ)
    assert first.engine == "llm" and len(fake_openai.requests) == 2
    saved = [json.loads(p.read_text(encoding="utf-8")) for p in answers.glob("*.json")]
    assert sorted(r["schema"] for r in saved) == ["DraftOut", "DraftOut"]
    assert all("人工造林1000亩" in r["messages"][0]["content"] for r in saved)  # keys cover the prompt text

    monkeypatch.setenv("JIXIAO_LLM_CACHE", "replay")
    get_settings.cache_clear()
    fake_openai.responder = lambda body: Reply(status=500, error="must not be called")
    again = draft_with_llm(REQ, seed_precedents)
    assert again.model_dump() == first.model_dump() and len(fake_openai.requests) == 2


def test_cli_draft_llm_says_which_engine(fake_openai, seed_precedents, monkeypatch):
    monkeypatch.setattr("assistant.kb.index.KnowledgeBase", lambda *a, **k: object())
    monkeypatch.setattr("assistant.kb.index.ensure_corpus_indexed", lambda **k: None)
    monkeypatch.setattr("assistant.draft.KnowledgeBasePrecedents", lambda kb: seed_precedents)
    fake_openai.responder = replying(answer)
    args = ["draft", "--name", REQ.name, "--budget", "80", "--purpose", REQ.purpose, "--year", str(REQ.year), "--llm"]
    r = CliRunner().invoke(app, args)
    assert r.exit_code == 0, r.output
    assert "起草引擎：大模型" in r.stderr and "| 产出指标 | 质量指标 | 造林成活率 |" in r.stdout

    fake_openai.responder = lambda body: Reply(status=500, error="down")
    r = CliRunner().invoke(app, args)
    assert r.exit_code == 0 and "起草引擎：离线" in r.stderr and "大模型起草失败" in r.stderr


DUST = DraftRequest(
    name="雾炮车抑尘降尘服务", budget=250, year=2026,
    purpose="对城区主次干道开展每日不少于2次的雾炮降尘作业，覆盖道路面积120万平方米，改善城区空气质量。",
)


def dust_answer(area=True, name="雾炮降尘作业频次"):
    rows = [
        row(f"产出指标|数量指标|{name}|反映每日降尘作业的频次|≥2次/日|项目实施方案", confidence=0.9),
        row("产出指标|质量指标|降尘作业质量考核合格率|反映作业考核合格的比例|≥95%|合同约定"),
        row("产出指标|时效指标|作业服务费支付及时率|反映服务费按合同支付的比例|100%|合同约定"),
        row("产出指标|成本指标|项目总成本|反映支出控制在预算以内|≤250万元|年初预算"),
        row("效益指标|生态效益指标|空气质量优良天数比率|反映城区空气质量优良天数比例|≥85%|环境空气质量标准"),
        row("满意度指标|服务对象满意度指标|市民满意度|通过问卷调查了解市民满意程度|≥90%|问卷调查"),
    ]
    if area:
        rows.insert(1, row("产出指标|数量指标|降尘作业覆盖道路面积|反映作业覆盖的道路面积|120万平方米|项目实施方案", confidence=0.9))
    goal = "1.2026年雾炮降尘作业频次不少于2次/日。\n2.空气质量优良天数比率不低于85%，市民满意度不低于90%。"
    return json.dumps({"goal": goal, "spending_plan": [25, 50, 75, 100], "rows": rows}, ensure_ascii=False)


def test_the_model_gets_the_description_numbers_and_the_library(fake_openai, seed_precedents):
    fake_openai.reply(dust_answer())
    d = draft_with_llm(DUST, seed_precedents)
    assert d.engine == "llm" and len(fake_openai.requests) == 1
    system = fake_openai.last_request["messages"][0]["content"]
    assert "雾炮降尘作业频次｜≥2次/日" in system and "覆盖道路面积｜120万平方米" in system
    assert "领域：城管和环卫" in system and "空气质量优良天数比率" in system
    # the seed is a 自然资源局 document: no precedent of another sector is offered to the model
    assert "综合业务经费" not in system and "没有可参考的往年项目" in system


def test_a_lost_description_number_or_a_garbage_name_is_sent_back(fake_openai, seed_precedents):
    fake_openai.reply(dust_answer(area=False, name="城区主次干道开展每日次数"), dust_answer())
    d = draft_with_llm(DUST, seed_precedents)
    assert d.engine == "llm" and len(fake_openai.requests) == 2
    ask = fake_openai.requests[1]["messages"][-1]["content"]
    assert "“120万平方米”没有对应的指标行" in ask and "覆盖道路面积" in ask
    assert "“城区主次干道开展每日次数”不是规范的指标名称" in ask
    values = [r.indicator.value_raw for r in d.rows]
    assert "120万平方米" in values and "≥2次/日" in values


def test_a_model_that_keeps_losing_a_number_is_replaced_by_the_offline_draft(fake_openai, seed_precedents):
    fake_openai.responder = lambda body: dust_answer(area=False)
    d = draft_with_llm(DUST, seed_precedents)
    assert len(fake_openai.requests) == 3 and d.engine == "offline"
    assert "120万平方米" in d.notes[0] and "120万平方米" in [r.indicator.value_raw for r in d.rows]
