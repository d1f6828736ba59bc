"""The one place that talks to an OpenAI-compatible chat endpoint.

`build_chat_model` turns settings into a ChatOpenAI (None = offline mode); `structured_call` asks for JSON
matching a pydantic schema, validates it and re-asks with the errors (bounded); `stream_text` streams a
chat answer. Every call runs within the action's deadline (endpoint.py: bounded retries, capped
Retry-After, circuit breaker, size cap) and every fault becomes a typed `LLMError` with a Chinese
message. Successful structured answers are saved by `AnswerCache`; prompt texts live in prompts/*.md
(`prompt`, `prompt_hash`).
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import re
import string
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Generic, Literal, TypeVar

import openai
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import BaseMessage, convert_to_messages
from langchain_openai import ChatOpenAI
from langchain_openai.chat_models.base import BaseChatOpenAI
from pydantic import BaseModel, ValidationError

from .endpoint import action as action  # re-exported: capabilities wrap a user action in it
from .endpoint import check_size, request, stream
from .endpoint import to_llm_error as endpoint_error
from .errors import ConfigError, LLMBadAnswer, LLMError, LLMRequestError
from .redact import mask_logs, safe_text, safe_url
from .settings import PROJECT_ROOT, Settings, get_settings

T = TypeVar("T", bound=BaseModel)
Messages = str | Sequence[BaseMessage | dict | tuple[str, str]]
Validator = Callable[[Any], list[str] | None]
CacheMode = Literal["on", "off", "replay"]

NOT_CONFIGURED = "未配置大模型服务（JIXIAO_LLM_BASE_URL、JIXIAO_LLM_MODEL）"


def not_configured(what_happens: str) -> str:
    """The one "LLM not configured" notice: 未配置大模型服务（…），<what happens instead>。"""
    return f"{NOT_CONFIGURED}，{what_happens.rstrip('。')}。"


_ROLES = {"system": "system", "human": "user", "ai": "assistant", "user": "user", "assistant": "assistant"}


def build_chat_model(settings: Settings | None = None) -> ChatOpenAI | None:
    """A chat model for the configured endpoint, or None when no endpoint is set (offline mode).
    The client makes no retries of its own: `_request` retries, waits and gives up within the action's
    deadline (endpoint.py)."""
    s = settings or get_settings()
    if not s.llm_enabled:
        return None
    if not s.llm_base_url.startswith(("http://", "https://")):
        raise ConfigError(
            f"JIXIAO_LLM_BASE_URL 不是有效地址：{safe_url(s.llm_base_url)}。请填写形如 http://主机:端口/v1 的地址。"
        )
    mask_logs()  # the HTTP client logs request URLs, credentials included
    return ChatOpenAI(
        model=s.llm_model,
        base_url=s.llm_base_url.rstrip("/"),
        # Local servers need no key, but the openai client refuses an empty one.
        api_key=s.llm_api_key.get_secret_value() or "EMPTY",
        timeout=s.llm_timeout,
        max_retries=0,
        temperature=s.llm_temperature,
        use_responses_api=False,  # local servers have no /v1/responses
        # max_tokens, not langchain's max_completion_tokens: what vLLM, Ollama, DeepSeek and Qwen read
        extra_body={"max_tokens": s.llm_max_tokens},
    )


# --- prompts --------------------------------------------------------------------------------------
_HEADER = re.compile(r"\A\s*<!--.*?-->\s*", re.DOTALL)


def _prompts():
    """The prompts folder: package data `assistant.prompts` in an installed wheel (pyproject maps the
    top-level prompts/ there), the top-level prompts/ itself in a source checkout."""
    if importlib.util.find_spec("assistant.prompts") is not None:
        return resources.files("assistant.prompts")
    return PROJECT_ROOT / "prompts"


def prompt_names() -> list[str]:
    """Every prompt shipped with the package."""
    return sorted(p.name[:-3] for p in _prompts().iterdir() if p.name.endswith(".md") and p.name != "README.md")


def prompt_text(name: str) -> str:
    """The raw text of prompts/<name>.md; ConfigError when there is no such prompt."""
    path = _prompts().joinpath(f"{name}.md")
    if not path.is_file():
        raise ConfigError(f"找不到提示词文件 prompts/{name}.md：请确认文件存在。")
    return path.read_text(encoding="utf-8")


def prompt(name: str, /, **vars: Any) -> str:
    """prompts/<name>.md with `$var` / `${var}` placeholders filled (string.Template; see prompts/README.md)."""
    text = _HEADER.sub("", prompt_text(name), count=1)
    try:
        return string.Template(text).substitute(vars)
    except KeyError as exc:
        raise ConfigError(f"提示词 prompts/{name}.md 需要变量 ${exc.args[0]}，调用时未提供。") from exc
    except ValueError as exc:
        raise ConfigError(f"提示词 prompts/{name}.md 含无效的 $ 占位符（{exc}）：字面 $ 请写作 $$。") from exc


def prompt_hash(name: str) -> str:
    """First 12 hex digits of the prompt file's SHA-256, recorded by eval runs."""
    return hashlib.sha256(prompt_text(name).encode("utf-8")).hexdigest()[:12]


# --- saved answers ----------------------------------------------------------------------------------
@dataclass
class AnswerCache:
    """Saved successful structured answers, one JSON file per key: `<directory>/<key>.json` holding
    {"key", "model", "schema", "params", "messages", "raw", "attempts", "saved_at"}.
    The key hashes model, prompt messages, schema name and params (never the base URL, so an answer
    saved against one server replays against another). mode: on = read+write, off, replay = read only.
    Errors are never saved."""

    directory: Path
    mode: CacheMode = "on"

    @classmethod
    def from_settings(cls, settings: Settings | None = None) -> AnswerCache:
        s = settings or get_settings()
        return cls(s.llm_cache_dir, s.llm_cache)

    @staticmethod
    def key(model: str, messages: list[dict], schema: str, params: dict) -> str:
        blob = {"model": model, "messages": messages, "schema": schema, "params": params}
        return hashlib.sha256(json.dumps(blob, ensure_ascii=False, sort_keys=True).encode()).hexdigest()

    def get(self, key: str) -> dict | None:
        if self.mode == "off":
            return None
        try:
            return json.loads((self.directory / f"{key}.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None

    def put(self, key: str, record: dict) -> None:
        if self.mode != "on":
            return
        self.directory.mkdir(parents=True, exist_ok=True)
        tmp = self.directory / f".{key}.{os.getpid()}.tmp"
        tmp.write_text(json.dumps({"key": key, **record}, ensure_ascii=False, indent=1), encoding="utf-8")
        tmp.replace(self.directory / f"{key}.json")  # atomic: a reader never sees half a file


# --- structured calls -------------------------------------------------------------------------------
@dataclass
class StructuredResult(Generic[T]):
    """`parsed` the validated object, `raw` the accepted answer text, `attempts` the requests made in this
    call (0 = served from the cache), `messages` the conversation of the last request."""

    parsed: T
    raw: str
    attempts: int
    messages: list[dict]
    cached: bool = False


def structured_call(
    chat: BaseChatModel | None,
    messages: Messages,
    schema: type[T],
    *,
    max_retries: int = 2,
    validate: Validator | None = None,
    cache: AnswerCache | None = None,
) -> StructuredResult[T]:
    """Ask for one JSON object matching `schema`; re-ask at most `max_retries` times with the pydantic or
    `validate(obj)` errors. Raises LLMError (with `.raw`) when the endpoint fails or nothing validates.
    `chat` may be None only when the cache is in replay mode."""
    settings = get_settings()
    cache = cache if cache is not None else AnswerCache.from_settings(settings)
    method = settings.llm_structured_method
    convo = _with_json_instruction(to_dicts(messages), schema)
    model = _model_name(chat) or settings.llm_model
    params = {"method": method, "temperature": getattr(chat, "temperature", settings.llm_temperature)}
    key = AnswerCache.key(model, convo, schema.__name__, params)

    saved = cache.get(key)
    if saved is not None:
        obj, errors = check_answer(saved.get("raw", ""), schema, validate)
        if obj is not None and not errors:
            return StructuredResult(obj, saved["raw"], 0, convo, cached=True)
    if cache.mode == "replay":
        raise LLMError(
            f"回放模式下没有保存的回答（{schema.__name__}，键 {key[:12]}）：请先在联网模式下运行一次以保存回答。"
        )
    if chat is None:
        raise LLMError(not_configured("请设置后重试，或使用离线引擎"))

    response_format = _response_format(method, schema)
    first, raw, errors = convo, "", []
    for attempt in range(1, max_retries + 2):
        raw, response_format = _invoke(chat, convo, response_format)
        obj, errors = check_answer(raw, schema, validate)
        if obj is not None and not errors:
            record = {
                "model": model,
                "schema": schema.__name__,
                "params": params,
                "messages": first,
                "raw": raw,
                "attempts": attempt,
                "saved_at": time.strftime("%Y-%m-%dT%H:%M:%S"),
            }
            cache.put(key, record)
            return StructuredResult(obj, raw, attempt, convo)
        if attempt <= max_retries:
            convo = [
                *convo,
                {"role": "assistant", "content": raw},
                {"role": "user", "content": _reask(errors)},
            ]
    summary = "；".join(errors[:3])
    raise LLMBadAnswer(
        f"大模型的回答经过{max_retries + 1}次尝试仍不符合要求（{summary}）：请换用能力更强的模型，或改用离线引擎。",
        raw=raw,
    )


def check_answer(raw: str, schema: type[T], validate: Validator | None = None) -> tuple[T | None, list[str]]:
    """Parse and validate one answer: (object, []) when it passes, else (object or None, error lines)."""
    try:
        data = extract_json(raw)
    except ValueError as exc:
        return None, [str(exc)]
    try:
        obj = schema.model_validate(data)
    except ValidationError as exc:
        return None, [f"{'.'.join(map(str, e['loc'])) or '(根)'}: {e['msg']}" for e in exc.errors()[:10]]
    return obj, list(validate(obj) or []) if validate else []


_THINK = re.compile(r"<think>.*?</think>", re.DOTALL)  # reasoning models (DeepSeek-R1, Qwen3) prepend this
_FENCE = re.compile(r"```[a-zA-Z]*\s*\n?(.*?)```", re.DOTALL)


def extract_json(raw: str) -> dict:
    """The outermost JSON object in a model answer, after dropping <think> blocks and ``` fences."""
    text = _THINK.sub("", raw or "").strip()
    if m := _FENCE.search(text):
        text = m.group(1).strip()
    elif text.startswith("```"):  # an unclosed fence (truncated answer)
        text = text.split("\n", 1)[-1].strip()
    try:
        data = json.loads(text)
        if isinstance(data, dict):
            return data
        first_error = "顶层不是 JSON 对象（top level is not a JSON object）"
    except json.JSONDecodeError as exc:
        first_error = f"不是合法的 JSON（invalid JSON: {exc}）"
    decoder = json.JSONDecoder()
    for i, ch in enumerate(text):
        if ch == "{":
            try:
                data, _ = decoder.raw_decode(text, i)
            except json.JSONDecodeError:
                continue
            if isinstance(data, dict):
                return data
    raise ValueError(f"回答中没有找到 JSON 对象：{first_error}" if text else "回答为空（empty answer）")


def _reask(errors: list[str]) -> str:
    lines = "\n".join(f"- {e}" for e in errors)
    return (
        f"你上一次的回答未通过校验（your previous answer failed validation）：\n{lines}\n"
        "请修正以上问题，重新输出完整的 JSON 对象，只输出 JSON，不要输出其他文字。"
    )


def _with_json_instruction(convo: list[dict], schema: type[BaseModel]) -> list[dict]:
    schema_text = json.dumps(schema.model_json_schema(), ensure_ascii=False)
    instruction = prompt("system_json", schema=schema_text, schema_name=schema.__name__)
    if convo and convo[0]["role"] == "system" and isinstance(convo[0]["content"], str):
        # Some chat templates accept only one leading system message: extend it.
        return [{"role": "system", "content": f"{convo[0]['content']}\n\n{instruction}"}, *convo[1:]]
    return [{"role": "system", "content": instruction}, *convo]


def _response_format(method: str, schema: type[BaseModel]) -> dict | None:
    if method == "json_mode":
        return {"type": "json_object"}
    if method == "json_schema":  # not strict: strict mode rejects many pydantic schemas
        schema_obj = schema.model_json_schema()
        return {
            "type": "json_schema",
            "json_schema": {"name": schema.__name__, "schema": schema_obj, "strict": False},
        }
    return None  # "prompt" and "function_calling": the schema travels in the prompt only


def _invoke(chat: BaseChatModel, convo: list[dict], response_format: dict | None) -> tuple[str, dict | None]:
    """One request within the action's deadline (endpoint.request: bounded retries, breaker); returns
    the answer text and the response_format that worked."""
    kwargs = (
        {"response_format": response_format} if response_format and isinstance(chat, BaseChatOpenAI) else {}
    )
    try:
        message = request(_base_url(chat), lambda timeout: chat.invoke(convo, **kwargs, **_timeout(chat, timeout)))
    except LLMRequestError as exc:
        if kwargs and getattr(exc, "status", None) in (400, 422):
            # a server without JSON mode rejects response_format: ask by prompt alone from now on
            return _invoke(chat, convo, None)
        raise
    return answer_text(message), response_format


def invoke_text(chat: BaseChatModel, messages: Messages) -> str:
    """One plain answer (no JSON asked for, no streaming) within the action's deadline and the size
    cap; every fault raises a typed LLMError, a blank answer LLMBadAnswer."""
    text, _ = _invoke(chat, to_dicts(messages), None)
    if not text.strip():
        raise LLMBadAnswer("大模型返回了空白回答（可能拒绝回答）：已改用离线结果。")
    return text


def answer_text(message: Any) -> str:
    """The text of a chat answer; LLMBadAnswer for a refusal, an empty answer or one over the size cap."""
    refusal = (getattr(message, "additional_kwargs", None) or {}).get("refusal")
    if refusal:
        raise LLMBadAnswer(f"大模型拒绝回答（{safe_text(str(refusal))[:80]}）：已改用离线结果。")
    text = message_text(getattr(message, "content", ""))
    check_size(len(text))
    return text


def _timeout(chat: BaseChatModel, seconds: float) -> dict:
    """Per-request timeout for the openai client (other chat models take no such argument)."""
    return {"timeout": seconds} if isinstance(chat, BaseChatOpenAI) else {}


def _base_url(chat: BaseChatModel | None) -> str:
    return str(getattr(chat, "openai_api_base", None) or "")


# --- streaming --------------------------------------------------------------------------------------
def stream_text(chat: BaseChatModel, messages: Messages) -> Iterator[str]:
    """Answer chunks as they arrive, within the action's deadline and the answer size cap; endpoint
    failures raise a typed LLMError (possibly after some chunks), a stream with no text LLMBadAnswer."""
    convo = to_dicts(messages)
    chunks = stream(
        _base_url(chat),
        lambda timeout: chat.stream(convo, **_timeout(chat, timeout)),
        lambda chunk: message_text(chunk.content),
    )
    said = False
    for text in chunks:
        said = said or bool(text.strip())
        yield text
    if not said:  # no choices, a refusal (langchain drops refusal deltas) or whitespace only
        raise LLMBadAnswer("大模型返回了空白回答（可能拒绝回答）：已改用离线结果。")


# --- helpers ----------------------------------------------------------------------------------------
def to_dicts(messages: Messages) -> list[dict]:
    """Messages as plain {"role", "content"} dicts (the form that is hashed, recorded and sent)."""
    if isinstance(messages, str):
        return [{"role": "user", "content": messages}]
    return [{"role": _ROLES.get(m.type, m.type), "content": m.content} for m in convert_to_messages(messages)]


def message_text(content: Any) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):  # content blocks
        return "".join(b if isinstance(b, str) else b.get("text", "") for b in content if b)
    return ""


def _model_name(chat: BaseChatModel | None) -> str:
    if chat is None:
        return ""
    return str(getattr(chat, "model_name", None) or getattr(chat, "model", None) or type(chat).__name__)


def to_llm_error(exc: Exception, chat: BaseChatModel | None = None) -> LLMError:
    """A typed, Chinese, credential-free LLMError for an openai/transport exception."""
    return endpoint_error(exc, url=_base_url(chat), timeout=getattr(chat, "request_timeout", None))


# --- connection test (the app's 测试连接) -------------------------------------------------------------
@dataclass
class ProbeStep:
    """One check of `probe_endpoint`: what was tried, whether it worked, and what the user should know."""

    name: str
    ok: bool
    detail: str
    seconds: float = 0.0


def _probe_failure(exc: Exception, timeout: float) -> str:
    if isinstance(exc, openai.APITimeoutError):
        return f"{timeout:g} 秒内没有响应：服务接受了连接但不回答，请确认服务已正常启动、模型已加载。"
    if isinstance(exc, openai.APIConnectionError):
        return "无法连接：请检查服务地址（形如 http://主机:端口/v1）和服务是否已启动。"
    if isinstance(exc, openai.APIStatusError):
        hints = {
            401: "访问密钥无效",
            403: "没有访问权限",
            404: "找不到接口或模型：请确认地址以 /v1 结尾、模型名称正确",
            429: "请求过于频繁或额度不足",
        }
        code = exc.status_code
        return f"服务返回 HTTP {code}：{hints.get(code) or ('服务内部错误' if code >= 500 else '请求被拒绝')}。"
    return f"出错（{exc.__class__.__name__}）：{str(exc)[:120]}"


def probe_endpoint(settings: Settings, timeout: float = 4.0) -> list[ProbeStep]:
    """测试连接: list the models and ask for one token, both at once, each bounded by `timeout` seconds
    (no retries), so a server that accepts connections but never answers is reported within a few
    seconds. Returns one ProbeStep per check; never raises."""
    from concurrent.futures import ThreadPoolExecutor, wait

    base = settings.llm_base_url.rstrip("/")
    if not base.startswith(("http://", "https://")):
        return [ProbeStep("服务地址", False, f"「{base}」不是有效地址，请填写形如 http://主机:端口/v1 的地址。")]
    client = openai.OpenAI(
        base_url=base,
        api_key=settings.llm_api_key.get_secret_value() or "EMPTY",
        timeout=timeout,
        max_retries=0,
    )
    model = settings.llm_model

    def models() -> ProbeStep:
        start = time.monotonic()
        try:
            names = [m.id for m in client.models.list().data]
        except Exception as exc:  # noqa: BLE001 - reported, not raised
            return ProbeStep("模型列表", False, _probe_failure(exc, timeout), time.monotonic() - start)
        found = "，其中有" if model in names else "，但其中没有"
        detail = f"可以访问（共 {len(names)} 个模型{found}「{model}」）"
        return ProbeStep("模型列表", True, detail, time.monotonic() - start)

    def tiny_call() -> ProbeStep:
        start = time.monotonic()
        try:
            client.chat.completions.create(
                model=model, messages=[{"role": "user", "content": "你好"}], max_tokens=1, temperature=0
            )
        except Exception as exc:  # noqa: BLE001 - reported, not raised
            return ProbeStep("试答", False, _probe_failure(exc, timeout), time.monotonic() - start)
        secs = time.monotonic() - start
        return ProbeStep("试答", True, f"模型「{model}」已回答（{secs:.1f} 秒）", secs)

    pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="probe")
    futures = [pool.submit(models), pool.submit(tiny_call)]
    wait(futures, timeout=timeout + 2)
    pool.shutdown(wait=False, cancel_futures=True)
    names = ["模型列表", "试答"]
    return [
        f.result() if f.done() else ProbeStep(n, False, f"{timeout:g} 秒内没有响应。")
        for f, n in zip(futures, names)
    ]
