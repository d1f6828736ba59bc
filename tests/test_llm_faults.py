"""Every fault a sick endpoint shows (tests/fake_openai.py FAULTS) ends, for `check --llm`, `draft --llm`
and `ask --llm`, in the offline result with a Chinese notice, within the action's deadline, with no
traceback. Retry-After is capped and counted; the circuit breaker sends the next calls offline at once."""

from __future__ import annotations

import json
import time

import pytest
from fake_openai import FAULTS, Reply, fault_reply
from typer.testing import CliRunner

from assistant.cli import app
from assistant.errors import LLMBadAnswer, LLMTimeout, LLMUnavailable
from assistant.llm import action, build_chat_model, structured_call
from assistant.review.llm import LLMReview, LLMReviewChecker
from assistant.review.reviewer import Reviewer
from assistant.settings import get_settings

pytestmark = pytest.mark.usefixtures("no_network", "no_tiktoken")

DEADLINE = 3.0
# generous: the deadline plus the time the command needs offline on a busy 2-core machine
BOUND = DEADLINE + 25
FOREST = "冀财资环【2022】91号-提前下达2023年中央林业改革发展资金（造林补贴、森林抚育）"  # 表8
TREES = "造林补贴、苗木费"  # 表18


def env(monkeypatch, **values) -> None:
    for name, value in values.items():
        monkeypatch.setenv(f"JIXIAO_{name.upper()}", str(value))
    get_settings.cache_clear()


@pytest.fixture
def sick(fake_openai, monkeypatch):
    """The fake server with short limits: 1 s per try, one retry, a 3 s deadline per action."""
    env(monkeypatch, llm_timeout=1, llm_max_retries=1, llm_deadline=DEADLINE, llm_retry_after_max=1)
    return fake_openai


@pytest.fixture
def small_doc(seed_doc, tmp_path):
    """Three tables of the seed as a Document JSON file (the CLI reads .json documents)."""
    seed_doc.projects = seed_doc.projects[6:9]
    path = tmp_path / "三张表.json"
    path.write_text(seed_doc.model_dump_json(), encoding="utf-8")
    return path


def run(*args) -> tuple:
    t0 = time.monotonic()
    r = CliRunner().invoke(app, [str(a) for a in args])
    return r, time.monotonic() - t0


def no_traceback(r) -> None:
    assert r.exception is None or isinstance(r.exception, SystemExit), repr(r.exception)
    assert "Traceback" not in r.output and "Error:" not in r.output.replace("LLMError", "")


@pytest.mark.parametrize("fault", FAULTS)
def test_check_llm_ends_rules_only_with_a_notice(sick, small_doc, fault):
    offline, _ = run("check", small_doc, "-f", "json", "--no-fail")
    sick.always(fault)
    r, took = run("check", small_doc, "--llm", "-f", "json", "--no-fail")
    assert r.exit_code == 0, r.output
    no_traceback(r)
    assert took < BOUND
    data = json.loads(r.stdout)
    assert data["findings"] == json.loads(offline.stdout)["findings"]  # the rules' findings, all of them
    assert any(n.startswith("大模型检查未完成（") for n in data["notices"]), data["notices"]
    assert "本次审核仅含规则检查结果" in r.stderr


@pytest.mark.parametrize("fault", FAULTS)
def test_draft_llm_ends_offline_with_a_note(sick, seed_doc, monkeypatch, fault):
    from assistant.draft import MemoryPrecedents

    precedents = MemoryPrecedents([seed_doc])
    monkeypatch.setattr("assistant.kb.index.KnowledgeBase", lambda *a, **k: object())
    monkeypatch.setattr("assistant.kb.index.ensure_corpus_indexed", lambda **k: None)
    monkeypatch.setattr("assistant.draft.KnowledgeBasePrecedents", lambda kb: precedents)
    sick.always(fault)
    r, took = run("draft", "--name", "人工造林", "--budget", "80", "--purpose", "人工造林1000亩", "--llm")
    assert r.exit_code == 0, r.output
    no_traceback(r)
    assert took < BOUND
    assert "起草引擎：离线" in r.stderr and "大模型起草失败" in r.stderr
    assert "| 产出指标 |" in r.stdout  # a complete offline table


@pytest.mark.parametrize("fault", FAULTS)
def test_ask_llm_ends_offline_with_a_notice(sick, seed_path, fault):
    sick.always(fault)
    r, took = run("ask", seed_path, "项目8的预算是多少？", "--llm", "-f", "json")
    assert r.exit_code == 0, r.output
    no_traceback(r)
    assert took < BOUND
    answer = json.loads(r.stdout)
    assert answer["engine"] == "offline" and "31.98" in answer["text"]
    assert "已改用离线引擎回答" in answer["notice"]


@pytest.mark.parametrize(
    ("fault", "error"),
    [
        ("hang", LLMTimeout),
        ("429", LLMUnavailable),
        ("503", LLMUnavailable),
        ("reset", LLMUnavailable),
        ("empty_choices", LLMBadAnswer),
        ("refusal", LLMBadAnswer),
        ("huge", LLMBadAnswer),
        ("html", LLMBadAnswer),
        ("invalid_json", LLMBadAnswer),
        ("wrong_schema", LLMBadAnswer),
    ],
)
def test_each_fault_is_a_typed_error_with_a_chinese_message(sick, fault, error):
    sick.always(fault)
    with pytest.raises(error) as caught:
        structured_call(build_chat_model(), "审核", LLMReview)
    assert any("\u4e00" <= c <= "\u9fff" for c in str(caught.value))
    assert "sk-test" not in str(caught.value)


def test_retry_after_is_capped_and_counted_in_the_deadline(sick, monkeypatch):
    env(monkeypatch, llm_retry_after_max=0.5, llm_deadline=10)
    sick.queue(fault_reply("429"), json.dumps({"findings": []}))  # Retry-After: 100
    t0 = time.monotonic()
    assert structured_call(build_chat_model(), "审核", LLMReview).parsed.findings == []
    assert 0.4 < time.monotonic() - t0 < 5 and len(sick.requests) == 2  # waited 0.5 s, not 100 s

    # a capped wait that does not fit in what is left of the deadline is not taken: fail at once
    env(monkeypatch, llm_retry_after_max=5, llm_deadline=2)
    sick.requests.clear()
    sick.queue(fault_reply("429"), json.dumps({"findings": []}))
    t0 = time.monotonic()
    with pytest.raises(LLMUnavailable, match="HTTP 429"):
        structured_call(build_chat_model(), "审核", LLMReview)
    assert time.monotonic() - t0 < 1.5 and len(sick.requests) == 1


def test_one_deadline_covers_every_call_of_a_review(sick, seed_doc):
    """17 tables, each answered in 0.8 s (under the 1 s timeout) by two workers: about 7 s of calls. The
    pass stops at the 3 s deadline of the action, not after every call."""
    sick.responder = lambda body: Reply(content=json.dumps({"findings": []}), delay=0.8)
    t0 = time.monotonic()
    result = Reviewer(llm=LLMReviewChecker(workers=2), use_embeddings=False).review(seed_doc)
    assert time.monotonic() - t0 < DEADLINE + 3
    assert len(sick.requests) < 17
    assert not any(f.source == "llm" for f in result.findings)
    assert "总时限" in result.notices[0] and "本次审核仅含规则检查结果" in result.notices[0]


def test_cancel_stops_a_review_at_once(sick, seed_doc):
    import threading

    sick.always("hang")
    cancel = threading.Event()
    threading.Timer(0.5, cancel.set).start()
    t0 = time.monotonic()
    result = Reviewer(llm=LLMReviewChecker(workers=1, cancel=cancel), use_embeddings=False).review(seed_doc)
    assert time.monotonic() - t0 < 3 and "本次审核仅含规则检查结果" in result.notices[0]


def test_breaker_sends_the_next_calls_offline_at_once(sick, monkeypatch, seed_path):
    env(monkeypatch, llm_breaker_seconds=60)
    sick.always("hang")
    r, took = run("ask", seed_path, "项目8的预算是多少？", "--llm", "-f", "json")
    assert r.exit_code == 0 and json.loads(r.stdout)["engine"] == "offline"
    asked = len(sick.requests)
    assert 1 <= asked <= 2  # a try (and a retry when the deadline leaves room); then it is marked down

    r, took = run("check", seed_path, "--llm", "--no-fail", "-f", "json")
    assert r.exit_code == 0 and took < 20
    assert len(sick.requests) == asked  # no request at all: offline at once
    (notice,) = [n for n in json.loads(r.stdout)["notices"] if "大模型检查未完成" in n]
    assert "刚才不可用" in notice and "秒内不再请求" in notice


def test_breaker_closes_after_its_time(sick, monkeypatch):
    env(monkeypatch, llm_breaker_seconds=1, llm_max_retries=0)
    sick.queue(fault_reply("503"))
    chat = build_chat_model()
    with pytest.raises(LLMUnavailable, match="HTTP 503"):
        structured_call(chat, "审核", LLMReview)
    with pytest.raises(LLMUnavailable, match="刚才不可用"):
        structured_call(chat, "审核", LLMReview)
    time.sleep(1.1)
    sick.reply_json({"findings": []})
    assert structured_call(chat, "审核", LLMReview).parsed.findings == []


def test_a_slow_trickle_cannot_pass_the_deadline(sick, monkeypatch):
    from assistant.llm import stream_text

    env(monkeypatch, llm_timeout=5, llm_deadline=1.5)
    sick.always("hang")
    sick.responder = lambda body: Reply(content="很慢的回答" * 50, chunk_delay=0.4)
    t0 = time.monotonic()
    with pytest.raises(LLMTimeout):
        with action():
            "".join(stream_text(build_chat_model(), "问题"))
    assert time.monotonic() - t0 < 3


def test_max_tokens_is_sent(sick):
    sick.reply_json({"findings": []})
    structured_call(build_chat_model(), "审核", LLMReview)
    assert sick.last_request["max_tokens"] == get_settings().llm_max_tokens
