"""Bounded calls to a remote endpoint that may be sick.

One total deadline per user action (`action()`: a review, a draft, an answer), shared by every request,
retry and wait inside it; Retry-After obeyed up to a cap and counted in that deadline; a circuit breaker
that marks a failing endpoint down for a while, so the next calls go offline at once; every fault mapped
to a typed LLMError with a Chinese message and no credentials. `request` and `stream` take the actual
call as a function, so llm.py (chat) and kb/embeddings.py (vectors) share the same bounds.
"""

from __future__ import annotations

import contextlib
import contextvars
import hashlib
import json
import os
import queue
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import openai

from .errors import LLMBadAnswer, LLMError, LLMRequestError, LLMTimeout, LLMUnavailable
from .redact import safe_text, safe_url
from .settings import Settings, get_settings

R = TypeVar("R")


# --- one deadline per action ----------------------------------------------------------------------
@dataclass
class Deadline:
    """The time left for one user action, all tries and waits together. `cancel` stops it early
    (the app sets it when the user leaves or presses stop)."""

    seconds: float
    started: float = field(default_factory=time.monotonic)
    cancel: threading.Event = field(default_factory=threading.Event)

    @property
    def left(self) -> float:
        if self.cancel.is_set():
            return 0.0
        return self.seconds - (time.monotonic() - self.started)

    def check(self) -> float:
        """Seconds left; LLMTimeout when none are."""
        left = self.left
        if left <= 0:
            raise self.expired_error()
        return left

    def expired_error(self) -> LLMTimeout:
        if self.cancel.is_set():
            return LLMTimeout("操作已取消：已改用离线结果。")
        return LLMTimeout(
            f"大模型服务在本次操作的总时限（{self.seconds:g}秒，JIXIAO_LLM_DEADLINE）内没有完成：已改用离线结果。"
        )


_deadline: contextvars.ContextVar[Deadline | None] = contextvars.ContextVar("llm_deadline", default=None)


@contextlib.contextmanager
def action(seconds: float | None = None, cancel: threading.Event | None = None) -> Iterator[Deadline]:
    """Every endpoint call inside shares one deadline (settings.llm_deadline by default). A nested
    action keeps the outer deadline: a draft's revisions count against the draft."""
    outer = _deadline.get()
    if outer is not None:
        yield outer
        return
    deadline = Deadline(seconds if seconds is not None else get_settings().llm_deadline)
    if cancel is not None:
        deadline.cancel = cancel
    token = _deadline.set(deadline)
    try:
        yield deadline
    finally:
        _deadline.reset(token)


def current_deadline() -> Deadline:
    """The action's deadline, or a fresh one for a call made outside any action."""
    return _deadline.get() or Deadline(get_settings().llm_deadline)


def run_bounded(fn: Callable[[], R], seconds: float) -> R:
    """fn() in a daemon thread, given up after `seconds` (LLMTimeout): a server that trickles bytes
    cannot hold the caller past the deadline. The abandoned thread ends with its own socket timeout."""
    box: dict[str, Any] = {}
    ctx = contextvars.copy_context()

    def target() -> None:
        try:
            box["value"] = ctx.run(fn)
        except BaseException as exc:  # noqa: BLE001 - handed to the caller's thread
            box["error"] = exc

    worker = threading.Thread(target=target, daemon=True, name="bounded-call")
    worker.start()
    worker.join(max(seconds, 0.0))
    if worker.is_alive():
        raise LLMTimeout(f"大模型服务超时（{seconds:.3g}秒内没有回答）：请稍后重试，或改用离线引擎。")
    if "error" in box:
        raise box["error"]
    return box["value"]


def retry_wait(exc: BaseException | None, cap: float) -> float:
    """Seconds a 429/503 asks us to wait (retry-after-ms, or Retry-After in seconds), capped at `cap`;
    1 s when the server says nothing."""
    headers = getattr(getattr(exc, "response", None), "headers", None)
    wait = 1.0
    try:
        if headers is not None and headers.get("retry-after-ms"):
            wait = float(headers.get("retry-after-ms")) / 1000
        elif headers is not None and headers.get("retry-after"):
            wait = float(headers.get("retry-after"))
    except (TypeError, ValueError):
        wait = 1.0
    return max(0.0, min(wait, cap))


# --- the circuit breaker --------------------------------------------------------------------------
class Breaker:
    """Endpoints marked down after a failure that says the service is sick (timeout, refused or reset
    connection, 429, 5xx): for settings.llm_breaker_seconds every call to it fails at once with
    LLMUnavailable. The state is a small file in data_dir/cache, so the next CLI command and every app
    session see it too."""

    _lock = threading.Lock()

    def __init__(self, settings: Settings | None = None):
        self.settings = settings or get_settings()
        self.path: Path = self.settings.data_dir / "cache" / "endpoints.json"

    @staticmethod
    def key(url: str) -> str:
        return hashlib.sha256((url or "").rstrip("/").encode()).hexdigest()[:16]

    def _read(self) -> dict:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            return data if isinstance(data, dict) else {}
        except (OSError, ValueError):
            return {}

    def _write(self, data: dict) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.path.with_suffix(f".{os.getpid()}.{threading.get_ident()}.tmp")
            tmp.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
            os.replace(tmp, self.path)
        except OSError:
            pass  # a read-only data dir: the breaker is an aid, never a failure

    def down_for(self, url: str) -> tuple[float, str]:
        """(seconds the endpoint stays marked down, why); (0, "") when it is up."""
        entry = self._read().get(self.key(url)) or {}
        return max(0.0, float(entry.get("until", 0)) - time.time()), str(entry.get("reason", ""))

    def check(self, url: str) -> None:
        left, reason = self.down_for(url)
        if left > 0:
            raise LLMUnavailable(
                f"大模型服务 {safe_url(url)} 刚才不可用（{reason or '请求失败'}），"
                f"{left:.0f}秒内不再请求，直接使用离线结果。"
            )

    def trip(self, url: str, reason: str) -> None:
        seconds = self.settings.llm_breaker_seconds
        if seconds <= 0 or not url:
            return
        with self._lock:
            now = time.time()
            data = {k: v for k, v in self._read().items() if float((v or {}).get("until", 0)) > now}
            data[self.key(url)] = {"until": now + seconds, "reason": safe_text(reason, self.settings)[:80]}
            self._write(data)


# --- requests -------------------------------------------------------------------------------------
def _sick(err: LLMError) -> bool:
    return isinstance(err, LLMTimeout | LLMUnavailable)


def request(url: str, send: Callable[[float], R], *, what: str = "大模型服务") -> R:
    """send(timeout) within the action's deadline. Retried (settings.llm_max_retries) only on
    timeouts, refused connections, 429 and 5xx, after the server's Retry-After (capped); a failure
    that says the service is sick marks it down. Raises a typed LLMError."""
    s = get_settings()
    breaker = Breaker(s)
    if url:
        breaker.check(url)
    deadline = current_deadline()
    tries = max(0, s.llm_max_retries) + 1
    for attempt in range(1, tries + 1):
        per_try = min(s.llm_timeout, deadline.check())
        try:
            return run_bounded(lambda t=per_try: send(t), per_try + 1.0)
        except Exception as exc:  # noqa: BLE001 - every fault becomes a typed LLMError
            err = to_llm_error(exc, url=url, timeout=per_try, what=what)
            if isinstance(err, LLMTimeout) and deadline.left < 0.1:
                err = deadline.expired_error()  # the try was cut short by the action's deadline
            # `from None`: the upstream exception may echo a key; our message is masked, its cause is not
            if not _sick(err):
                raise err from None
            wait = retry_wait(exc, s.llm_retry_after_max)
            if attempt < tries and deadline.left > wait + 1.0:
                time.sleep(wait)
                continue
            breaker.trip(url, str(err).split("：")[0].split("，")[0])
            raise err from None
    raise AssertionError("unreachable")  # pragma: no cover


_END = object()


def stream(url: str, start: Callable[[float], Iterator[Any]], text_of: Callable[[Any], str]) -> Iterator[str]:
    """The texts of a streamed answer, read in a worker thread so the deadline holds against a server
    that sends nothing or a chunk now and then; cut off (LLMBadAnswer) past the size cap. A failure
    before the first chunk is retried like `request`; after it, nothing is retried (text was shown)."""
    s = get_settings()
    breaker = Breaker(s)
    if url:
        breaker.check(url)
    deadline = current_deadline()
    tries = max(0, s.llm_max_retries) + 1
    total = 0
    for attempt in range(1, tries + 1):
        per_try = min(s.llm_timeout, deadline.check())
        chunks, stop = _produce(lambda t=per_try: start(t))
        first = True
        try:
            while True:
                wait = max(min(deadline.left, per_try) if first else deadline.left, 0.0)
                try:
                    item = chunks.get(timeout=wait)
                except queue.Empty:
                    item = LLMTimeout(
                        f"大模型服务超时（{wait:.3g}秒内没有{'回答' if first else '继续回答'}）："
                        "请稍后重试、调大 JIXIAO_LLM_TIMEOUT 或 JIXIAO_LLM_DEADLINE，或改用离线引擎。"
                    )
                if item is _END:
                    return
                if isinstance(item, BaseException):
                    err = to_llm_error(item, url=url, timeout=per_try)
                    if isinstance(err, LLMTimeout) and deadline.left < 0.1:
                        err = deadline.expired_error()
                    pause = retry_wait(item, s.llm_retry_after_max)
                    if first and _sick(err) and attempt < tries and deadline.left > pause + 1.0:
                        time.sleep(pause)
                        break  # retry: nothing was shown yet
                    if _sick(err):
                        breaker.trip(url, str(err).split("：")[0].split("，")[0])
                    raise err
                if text := text_of(item):
                    first = False
                    total += len(text)
                    check_size(total)
                    yield text
        finally:
            stop.set()


def _produce(start: Callable[[], Iterator[Any]]) -> tuple[queue.Queue, threading.Event]:
    """Read a stream in a daemon thread into a queue: the chunks, then _END or the exception."""
    out: queue.Queue = queue.Queue()
    stop = threading.Event()
    ctx = contextvars.copy_context()

    def run() -> None:
        try:
            for chunk in start():
                if stop.is_set():
                    return
                out.put(chunk)
            out.put(_END)
        except BaseException as exc:  # noqa: BLE001 - handed to the reading thread
            out.put(exc)

    threading.Thread(target=lambda: ctx.run(run), daemon=True, name="llm-stream").start()
    return out, stop


def check_size(chars: int) -> None:
    """LLMBadAnswer once an answer passes settings.llm_max_answer_chars."""
    limit = get_settings().llm_max_answer_chars
    if chars > limit:
        raise LLMBadAnswer(
            f"大模型的回答过长（超过 {limit} 字，JIXIAO_LLM_MAX_ANSWER_CHARS）：已改用离线结果。"
        )


# --- faults as typed errors -----------------------------------------------------------------------
_HINTS = {
    401: "API 密钥无效：请检查 JIXIAO_LLM_API_KEY",
    403: "没有访问权限：请检查密钥权限",
    404: "找不到模型或接口：请检查 JIXIAO_LLM_MODEL，以及 JIXIAO_LLM_BASE_URL 是否以 /v1 结尾",
    429: "请求过于频繁或额度不足：请稍后重试",
}


def to_llm_error(
    exc: BaseException, *, url: str = "", timeout: float | None = None, what: str = "大模型服务"
) -> LLMError:
    """A typed, Chinese, credential-free LLMError for any exception a call may raise."""
    if isinstance(exc, LLMError):
        return exc
    detail = safe_text(str(getattr(exc, "message", "") or exc))[:200]
    if isinstance(exc, openai.APITimeoutError):
        limit = f"（{timeout:.3g}秒）" if timeout else ""
        return LLMTimeout(f"{what}超时{limit}：请稍后重试、调大 JIXIAO_LLM_TIMEOUT，或改用离线引擎。")
    if isinstance(exc, openai.APIConnectionError):
        return LLMUnavailable(
            f"无法连接{what} {safe_url(url) or '（未知地址）'}（连接被拒绝或中断）：请检查 JIXIAO_LLM_BASE_URL 与服务是否已启动，或改用离线引擎。"
        )
    if isinstance(exc, openai.APIStatusError):
        code = exc.status_code
        hint = _HINTS.get(code) or (
            "服务内部错误：请稍后重试" if code >= 500 else "请求被拒绝：请检查模型配置"
        )
        message = f"{what}返回 HTTP {code}，{hint}（服务返回：{detail}）。"
        if code == 429 or code >= 500:
            return LLMUnavailable(message)
        err = LLMRequestError(message)
        err.status = code
        return err
    if isinstance(exc, openai.LengthFinishReasonError):
        choices = exc.completion.choices
        raw = (choices[0].message.content or "") if choices else ""
        return LLMBadAnswer("大模型的回答超出长度上限被截断：请缩短输入或分批处理。", raw=raw)
    if isinstance(exc, OSError) or _transport(exc):
        if any(c.__name__ == "TimeoutException" for c in type(exc).__mro__):
            return LLMTimeout(f"{what}超时：请稍后重试、调大 JIXIAO_LLM_TIMEOUT，或改用离线引擎。")
        return LLMUnavailable(f"与{what}的连接中断（{type(exc).__name__}）：请稍后重试，或改用离线引擎。")
    # a body that is not an OpenAI response (an HTML page, `choices: []`, truncated JSON) breaks the
    # client's parsing: the service answered, but nothing usable
    if isinstance(exc, IndexError):
        return LLMBadAnswer(f"{what}的回答中没有任何内容（choices 为空）：已改用离线结果。")
    return LLMBadAnswer(
        f"{what}返回了无法识别的响应（{type(exc).__name__}）：请确认地址是 OpenAI 兼容接口，或改用离线引擎。"
    )


def _transport(exc: BaseException) -> bool:
    """An httpx/httpcore transport error escaping the client (a connection reset mid-stream)."""
    return type(exc).__module__.split(".")[0] in ("httpx", "httpx2", "httpcore", "h11")
