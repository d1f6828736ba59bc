"""assistant.llm through the real ChatOpenAI client against the local fake server (tests/fake_openai.py)."""

from __future__ import annotations

import json
import time

import pytest
from fake_openai import Reply
from pydantic import BaseModel

from assistant.errors import ConfigError, LLMError
from assistant.llm import (
    AnswerCache,
    build_chat_model,
    extract_json,
    prompt,
    prompt_hash,
    stream_text,
    structured_call,
)
from assistant.settings import get_settings

pytestmark = pytest.mark.usefixtures("no_network", "no_tiktoken")



SOURCE = "2024年完成新增耕地2000亩，修复历史遗留矿山26处。"


class Quote(BaseModel):
    text: str
    line: int


class Verdict(BaseModel):
    ok: bool
    reason: str
    quotes: list[Quote] = []


GOOD = {"ok": True, "reason": "指标可衡量", "quotes": [{"text": "新增耕地2000亩", "line": 1}]}
ASK = [("system", "你是绩效目标审核助手。"), ("user", f"审核：{SOURCE}")]


def grounded(v: Verdict) -> list[str]:
    return [f"引文不在原文中（quote not in source）：{q.text}" for q in v.quotes if q.text not in SOURCE]


def test_valid_answer_parses_and_request_shape(fake_openai):
    fake_openai.reply("```json\n" + json.dumps(GOOD, ensure_ascii=False) + "\n```")
    result = structured_call(build_chat_model(), ASK, Verdict)
    assert result.parsed == Verdict.model_validate(GOOD)
    assert result.attempts == 1 and not result.cached and "新增耕地" in result.raw
    body = fake_openai.last_request
    assert body["model"] == "fake-model" and body["stream"] is False
    assert body["response_format"] == {"type": "json_object"}
    assert fake_openai.headers[-1]["authorization"] == "Bearer sk-test"
    system, user = body["messages"]
    assert system["role"] == "system" and system["content"].startswith("你是绩效目标审核助手。")
    assert (
        '"quotes"' in system["content"] and "JSON Schema" in system["content"]
    )  # schema travels in the prompt
    assert user == {"role": "user", "content": f"审核：{SOURCE}"}
    assert result.messages == body["messages"]


def test_invalid_json_is_reasked_with_the_error(fake_openai):
    fake_openai.reply('{"ok": true, "reason": ', json.dumps(GOOD, ensure_ascii=False))
    result = structured_call(build_chat_model(), ASK, Verdict)
    assert result.attempts == 2 and result.parsed.ok
    second = fake_openai.requests[1]["messages"]
    assert second[-2] == {"role": "assistant", "content": '{"ok": true, "reason": '}
    assert second[-1]["role"] == "user" and "未通过校验" in second[-1]["content"]


def test_schema_error_is_named_in_the_reask(fake_openai):
    fake_openai.reply('好的，结果如下：{"ok": "maybe"} 以上。', json.dumps(GOOD, ensure_ascii=False))
    structured_call(build_chat_model(), ASK, Verdict)
    reask = fake_openai.requests[1]["messages"][-1]["content"]
    assert "ok:" in reask and "reason:" in reask  # bad bool and missing field, by field name


def test_always_invalid_raises_with_raw_answer(fake_openai):
    fake_openai.reply("这不是JSON", "还是不是", "仍然不是")
    with pytest.raises(LLMError) as info:
        structured_call(build_chat_model(), ASK, Verdict, max_retries=2)
    assert info.value.raw == "仍然不是" and "3次" in str(info.value)
    assert len(fake_openai.requests) == 3


def test_semantic_validator_triggers_reask(fake_openai):
    bad = {**GOOD, "quotes": [{"text": "新增耕地5000亩", "line": 1}]}
    fake_openai.reply_json(bad, GOOD)
    result = structured_call(build_chat_model(), ASK, Verdict, validate=grounded)
    assert result.attempts == 2 and result.parsed.quotes[0].text == "新增耕地2000亩"
    assert "新增耕地5000亩" in fake_openai.requests[1]["messages"][-1]["content"]


@pytest.mark.parametrize("status", [429, 500])
def test_http_errors_raise_llm_error(fake_openai, status):
    fake_openai.error(status, "upstream busy")
    with pytest.raises(LLMError) as info:
        structured_call(build_chat_model(), ASK, Verdict)
    assert f"HTTP {status}" in str(info.value) and "upstream busy" in str(info.value)
    assert len(fake_openai.requests) == 1  # no re-ask for transport errors, no client retry (max_retries=0)


def test_client_retries_are_bounded_by_settings(fake_openai, monkeypatch):
    monkeypatch.setenv("JIXIAO_LLM_MAX_RETRIES", "1")
    get_settings.cache_clear()
    fake_openai.error(500, times=1).reply_json(GOOD)
    assert structured_call(build_chat_model(), ASK, Verdict).parsed.ok
    fake_openai.error(500, times=3)
    with pytest.raises(LLMError):
        structured_call(build_chat_model(), ASK, Verdict)
    assert len(fake_openai.requests) == 4 and fake_openai.pending == 1


def test_server_without_json_mode_falls_back_to_prompt_only(fake_openai):
    fake_openai.queue(Reply(status=400, error="response_format is not supported"))
    fake_openai.reply_json(GOOD)
    assert structured_call(build_chat_model(), ASK, Verdict).parsed.ok
    assert "response_format" not in fake_openai.last_request


def test_timeout_raises_quickly(fake_openai, monkeypatch):
    monkeypatch.setenv("JIXIAO_LLM_TIMEOUT", "0.5")
    get_settings.cache_clear()
    fake_openai.delay(10, json.dumps(GOOD))
    start = time.monotonic()
    with pytest.raises(LLMError, match="超时（0.5秒）"):
        structured_call(build_chat_model(), ASK, Verdict)
    assert time.monotonic() - start < 3


def test_connection_refused_is_llm_error(fake_openai):
    chat = build_chat_model()
    fake_openai.stop()
    with pytest.raises(LLMError, match="无法连接大模型服务"):
        structured_call(chat, ASK, Verdict)


def test_non_local_endpoint_is_blocked(fake_openai, monkeypatch):
    monkeypatch.setenv("JIXIAO_LLM_BASE_URL", "http://10.255.255.1:9/v1")
    get_settings.cache_clear()
    with pytest.raises(LLMError, match="无法连接大模型服务 http://10.255.255.1:9/v1"):
        structured_call(build_chat_model(), ASK, Verdict)
    assert fake_openai.requests == []


def test_stream_yields_chunks_in_order(fake_openai):
    fake_openai.queue(Reply(chunks=["绩效", "目标", "应当", "可衡量。"]))
    chunks = list(stream_text(build_chat_model(), [("user", "什么是好的绩效目标？")]))
    assert chunks == ["绩效", "目标", "应当", "可衡量。"]
    assert fake_openai.last_request["stream"] is True


def test_stream_error_is_llm_error(fake_openai):
    fake_openai.error(429)
    with pytest.raises(LLMError, match="HTTP 429"):
        list(stream_text(build_chat_model(), "你好"))


def test_cache_replays_saved_answer_and_never_stores_errors(fake_openai, tmp_path):
    cache = AnswerCache(tmp_path / "llm", "on")
    chat = build_chat_model()
    fake_openai.reply("坏答案", "坏答案")
    with pytest.raises(LLMError):
        structured_call(chat, ASK, Verdict, max_retries=1, cache=cache)
    fake_openai.error(500)
    with pytest.raises(LLMError):
        structured_call(chat, ASK, Verdict, cache=cache)
    assert not (tmp_path / "llm").exists() or not list((tmp_path / "llm").glob("*.json"))

    fake_openai.reply_json(GOOD)
    first = structured_call(chat, ASK, Verdict, cache=cache)
    sent = len(fake_openai.requests)
    again = structured_call(chat, ASK, Verdict, cache=cache)
    assert again.cached and again.attempts == 0 and again.parsed == first.parsed
    assert len(fake_openai.requests) == sent  # no request for a saved answer
    (saved,) = (tmp_path / "llm").glob("*.json")
    record = json.loads(saved.read_text(encoding="utf-8"))
    assert record["model"] == "fake-model" and record["schema"] == "Verdict" and record["raw"] == first.raw

    replay = AnswerCache(tmp_path / "llm", "replay")
    assert structured_call(None, ASK, Verdict, cache=replay).cached
    with pytest.raises(LLMError, match="回放模式"):
        structured_call(None, [("user", "另一个问题")], Verdict, cache=replay)


def test_cache_mode_from_settings(fake_openai, monkeypatch):
    monkeypatch.setenv("JIXIAO_LLM_CACHE", "on")
    get_settings.cache_clear()
    fake_openai.reply_json(GOOD)
    structured_call(build_chat_model(), ASK, Verdict)
    assert structured_call(build_chat_model(), ASK, Verdict).cached
    assert list((get_settings().llm_cache_dir).glob("*.json"))


def test_offline_without_settings():
    assert build_chat_model() is None
    with pytest.raises(LLMError, match="未配置大模型服务"):
        structured_call(None, ASK, Verdict, cache=AnswerCache(get_settings().cache_dir, "off"))


def test_bad_base_url_is_config_error(monkeypatch):
    monkeypatch.setenv("JIXIAO_LLM_BASE_URL", "localhost:8000")
    monkeypatch.setenv("JIXIAO_LLM_MODEL", "m")
    get_settings.cache_clear()
    with pytest.raises(ConfigError, match="JIXIAO_LLM_BASE_URL"):
        build_chat_model()


def test_extract_json_variants():
    assert extract_json('<think>想一想{"x":1}</think>\n{"ok": 1}') == {"ok": 1}
    assert extract_json('前言 {"a": {"b": [1, 2]}} 后记 {"c": 3}') == {"a": {"b": [1, 2]}}
    assert extract_json('```json\n{"a": 1}') == {"a": 1}
    with pytest.raises(ValueError):
        extract_json("[1, 2]")


def test_prompt_files():
    text = prompt("system_json", schema='{"type": "object"}', schema_name="Verdict")
    assert '{"type": "object"}' in text and "Verdict" in text and "<!--" not in text
    assert len(prompt_hash("system_json")) == 12
    with pytest.raises(ConfigError, match=r"\$schema"):
        prompt("system_json", schema_name="x")
    with pytest.raises(ConfigError, match="找不到提示词文件"):
        prompt("no_such_prompt")


def test_fake_server_responder_and_embeddings(fake_openai):
    import openai

    fake_openai.responder = lambda body: json.dumps({**GOOD, "reason": body["messages"][-1]["content"]})
    assert structured_call(build_chat_model(), "问题甲", Verdict).parsed.reason == "问题甲"
    client = openai.OpenAI(base_url=fake_openai.url, api_key="sk-test", max_retries=0)
    first = client.embeddings.create(model="fake-embed", input=["耕地", "矿山"]).data
    again = client.embeddings.create(model="fake-embed", input="耕地", encoding_format="float").data
    assert len(first) == 2 and len(first[0].embedding) == fake_openai.embedding_dim
    assert first[0].embedding == pytest.approx(again[0].embedding, abs=1e-6)
    assert first[0].embedding != first[1].embedding
    assert fake_openai.embedding_requests[-1]["input"] == "耕地"


@pytest.mark.parametrize("body", ["<html>502 Bad Gateway</html>", '{"choices": "oops"}', '{"id": 1'])
def test_a_body_that_is_not_an_openai_response_is_an_llm_error(fake_openai, body):
    fake_openai.queue(Reply(raw_body=body))
    with pytest.raises(LLMError, match="大模型服务"):
        structured_call(build_chat_model(), ASK, Verdict, max_retries=0)
