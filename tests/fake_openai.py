"""A scripted fake OpenAI-compatible server on 127.0.0.1 for tests that exercise the real client path.

Tests queue replies (text, HTTP errors, delays, faults) or set a responder; every request body is
recorded. Implements POST /v1/chat/completions (plain and SSE streaming), POST /v1/embeddings,
GET /v1/models. `fault(name)` queues one of the faults a sick endpoint shows (FAULTS).
"""

from __future__ import annotations

import base64
import hashlib
import json
import math
import socket
import struct
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self

ERROR_TYPES = {
    400: "invalid_request_error",
    401: "invalid_api_key",
    404: "not_found_error",
    429: "rate_limit_exceeded",
}


@dataclass
class Reply:
    """One scripted answer. `status` >= 400 sends an OpenAI-style error body with `error` as its message.
    `delay` sleeps before answering (forces a client timeout); `chunks` fixes the streamed pieces;
    `raw_body` sends that exact body instead (a broken server)."""

    content: str | None = ""
    status: int = 200
    error: str = ""
    delay: float = 0.0
    chunks: list[str] | None = None
    finish_reason: str = "stop"
    headers: dict[str, str] = field(default_factory=dict)
    raw_body: str | None = None
    reset_after: int | None = None  # close the connection with a TCP reset after this many chunks
    empty_choices: bool = False  # a 200 answer with `choices: []`
    refusal: str | None = None  # the message's `refusal` field (OpenAI structured-output refusals)
    chunk_delay: float = 0.0  # seconds between streamed chunks (a server that trickles)


FAULTS = (
    "hang",  # never answers
    "429",  # rate limited, Retry-After: 100
    "500",
    "503",
    "reset",  # connection reset mid-answer
    "invalid_json",  # content that is not JSON
    "wrong_schema",  # valid JSON of another shape
    "empty_choices",  # `choices: []`
    "refusal",  # a refusal instead of an answer
    "huge",  # a 5 MB answer
    "html",  # an HTML error page with status 200
)


def fault_reply(name: str) -> Reply:
    """One reply showing the named fault (see FAULTS)."""
    if name == "hang":
        return Reply(content="{}", delay=3600)
    if name == "429":
        return Reply(status=429, error="Rate limit reached, retry later", headers={"Retry-After": "100"})
    if name in ("500", "503"):
        return Reply(status=int(name), error="upstream overloaded")
    if name == "reset":
        return Reply(content='{"findings": [' + '{"a": 1},' * 200, reset_after=3)
    if name == "invalid_json":
        return Reply(content='{"findings": [{"category": "vague_value", "row": 1,,]')
    if name == "wrong_schema":
        return Reply(content=json.dumps({"answer": "好的", "items": [1, 2, 3]}))
    if name == "empty_choices":
        return Reply(empty_choices=True)
    if name == "refusal":
        return Reply(content=None, refusal="I'm sorry, I cannot help with that request.")
    if name == "huge":
        return Reply(content="很" * (5 * 1024 * 1024 // 3))
    if name == "html":
        return Reply(raw_body="<html><body><h1>502 Bad Gateway</h1></body></html>")
    raise ValueError(f"unknown fault {name!r}; known: {', '.join(FAULTS)}")


Responder = Callable[[dict], "str | Reply"]


class FakeOpenAI:
    """Start with `start()` (or as a context manager); `url` is the base URL ending in /v1."""

    def __init__(self, embedding_dim: int = 16, stream_chunk_chars: int = 4):
        self.embedding_dim = embedding_dim
        self.stream_chunk_chars = stream_chunk_chars
        self.responder: Responder | None = None
        self.requests: list[dict] = []  # chat completion bodies, in order
        self.embedding_requests: list[dict] = []
        self.headers: list[dict[str, str]] = []  # lower-cased headers of each chat request
        # Hanging mode: > 0 makes every request (GET and POST) wait this many seconds before anything is
        # read or answered: a server that accepts connections but never answers.
        self.hang_seconds: float = 0.0
        self._queue: deque[Reply] = deque()
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # --- scripting -------------------------------------------------------------------------------
    def queue(self, *replies: Reply | str) -> FakeOpenAI:
        with self._lock:
            self._queue.extend(r if isinstance(r, Reply) else Reply(content=r) for r in replies)
        return self

    def reply(self, *texts: str) -> FakeOpenAI:
        """Queue plain text answers, one per request."""
        return self.queue(*texts)

    def reply_json(self, *objs: Any) -> FakeOpenAI:
        return self.queue(*(json.dumps(o, ensure_ascii=False) for o in objs))

    def error(self, status: int = 500, message: str = "fake server error", times: int = 1) -> FakeOpenAI:
        """Queue `times` HTTP errors; `retry-after-ms: 10` keeps the client's own retries fast."""
        return self.queue(*(Reply(status=status, error=message, headers={"retry-after-ms": "10"}),) * times)

    def delay(self, seconds: float, content: str = "{}") -> FakeOpenAI:
        return self.queue(Reply(content=content, delay=seconds))

    def fault(self, name: str, times: int = 1) -> FakeOpenAI:
        """Queue `times` replies showing one of FAULTS."""
        return self.queue(*(fault_reply(name) for _ in range(times)))

    def always(self, name: str) -> FakeOpenAI:
        """Answer every request (after the queue) with the named fault."""
        self.responder = lambda body: fault_reply(name)
        return self

    @property
    def pending(self) -> int:
        return len(self._queue)

    @property
    def last_request(self) -> dict:
        return self.requests[-1]

    def messages(self, index: int = -1) -> list[dict]:
        return self.requests[index]["messages"]

    # --- lifecycle -------------------------------------------------------------------------------
    @property
    def port(self) -> int:
        assert self._httpd is not None, "server not started"
        return self._httpd.server_address[1]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def start(self) -> Self:
        handler = type("Handler", (_Handler,), {"fake": self})
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, args=(0.05,), daemon=True, name="fake-openai"
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()  # wakes handlers sleeping in a delay
        if self._httpd:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # --- answering -------------------------------------------------------------------------------
    def _next_reply(self, body: dict) -> Reply:
        with self._lock:
            if self._queue:
                return self._queue.popleft()
        if self.responder is not None:
            out = self.responder(body)
            return out if isinstance(out, Reply) else Reply(content=out)
        return Reply(
            status=400, error="fake_openai: no scripted reply left (queue a reply or set a responder)"
        )

    def _embed(self, text: str) -> list[float]:
        """Deterministic unit vector from the text's hash: equal texts give equal vectors."""
        raw = b""
        counter = 0
        while len(raw) < 4 * self.embedding_dim:
            raw += hashlib.sha256(f"{counter}:{text}".encode()).digest()
            counter += 1
        ints = struct.unpack(f"<{self.embedding_dim}i", raw[: 4 * self.embedding_dim])
        vec = [i / 2**31 for i in ints]
        norm = math.sqrt(sum(v * v for v in vec)) or 1.0
        return [v / norm for v in vec]


class _Handler(BaseHTTPRequestHandler):
    fake: FakeOpenAI
    protocol_version = "HTTP/1.0"  # one request per connection; streaming ends when the socket closes

    def log_message(self, format, *args) -> None:  # keep test output clean
        pass

    def _send_json(
        self, status: int, obj: Any, headers: dict[str, str] | None = None, raw: str | None = None
    ):
        data = (raw if raw is not None else json.dumps(obj, ensure_ascii=False)).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def _hang(self) -> bool:
        """True when the request should get no answer at all (hanging mode, or the server stopped)."""
        secs = self.fake.hang_seconds
        return bool(secs) and (self.fake._stopping.wait(secs) or True)

    def do_GET(self) -> None:
        if self._hang():
            return
        if self.path.rstrip("/").endswith("/models"):
            self._send_json(200, {"object": "list", "data": [{"id": "fake-model", "object": "model"}]})
        else:
            self._send_json(
                404, {"error": {"message": f"unknown path {self.path}", "type": "not_found_error"}}
            )

    def do_POST(self) -> None:
        if self._hang():
            return
        length = int(self.headers.get("Content-Length") or 0)
        try:
            body = json.loads(self.rfile.read(length) or b"{}")
        except json.JSONDecodeError:
            self._send_json(400, {"error": {"message": "body is not JSON", "type": "invalid_request_error"}})
            return
        try:
            if self.path.endswith("/chat/completions"):
                self._chat(body)
            elif self.path.endswith("/embeddings"):
                self._embeddings(body)
            else:
                self._send_json(
                    404, {"error": {"message": f"unknown path {self.path}", "type": "not_found_error"}}
                )
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (timeout); nothing to answer

    def _chat(self, body: dict) -> None:
        fake = self.fake
        with fake._lock:
            fake.requests.append(body)
            fake.headers.append({k.lower(): v for k, v in self.headers.items()})
        reply = fake._next_reply(body)
        if reply.delay and fake._stopping.wait(reply.delay):
            return
        if reply.raw_body is not None:
            self._send_json(reply.status, None, reply.headers, raw=reply.raw_body)
            return
        if reply.status >= 400:
            kind = ERROR_TYPES.get(reply.status, "server_error")
            err = {"error": {"message": reply.error, "type": kind, "param": None, "code": kind}}
            self._send_json(reply.status, err, reply.headers)
            return
        base = {
            "id": f"chatcmpl-fake{len(fake.requests)}",
            "created": int(time.time()),
            "model": body.get("model"),
        }
        text = reply.content or ""
        usage = {
            "prompt_tokens": 10,
            "completion_tokens": max(1, len(text)),
            "total_tokens": 10 + max(1, len(text)),
        }
        if not body.get("stream"):
            message = {"role": "assistant", "content": reply.content}
            if reply.refusal is not None:
                message["refusal"] = reply.refusal
            choice = {"index": 0, "finish_reason": reply.finish_reason, "logprobs": None, "message": message}
            answer = {**base, "object": "chat.completion", "choices": [] if reply.empty_choices else [choice]}
            if reply.reset_after is not None:
                self._reset_after_partial(json.dumps(answer | {"usage": usage}, ensure_ascii=False))
                return
            self._send_json(200, answer | {"usage": usage})
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-cache")
        self.end_headers()
        n = max(1, fake.stream_chunk_chars)
        pieces = (
            reply.chunks if reply.chunks is not None else [text[i : i + n] for i in range(0, len(text), n)]
        )
        chunk = {**base, "object": "chat.completion.chunk"}
        if reply.empty_choices:
            pieces = []
        deltas = [{"role": "assistant", "content": ""}] + [{"content": p} for p in pieces]
        if reply.refusal is not None:
            deltas.append({"refusal": reply.refusal})
        for n, delta in enumerate(deltas):
            if reply.reset_after is not None and n > reply.reset_after:
                self._reset()
                return
            if reply.chunk_delay and n and fake._stopping.wait(reply.chunk_delay):
                return
            self._sse({**chunk, "choices": [{"index": 0, "delta": delta, "finish_reason": None}]})
        self._sse({**chunk, "choices": [{"index": 0, "delta": {}, "finish_reason": reply.finish_reason}]})
        if (body.get("stream_options") or {}).get("include_usage"):
            self._sse({**chunk, "choices": [], "usage": usage})
        self.wfile.write(b"data: [DONE]\n\n")
        self.wfile.flush()

    def _reset(self) -> None:
        """Close the socket with a TCP reset (SO_LINGER 0), as a crashing proxy does."""
        self.wfile.flush()
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.connection.close()

    def _reset_after_partial(self, body: str) -> None:
        data = body.encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data[: len(data) // 3])
        self._reset()

    def _sse(self, obj: dict) -> None:
        self.wfile.write(f"data: {json.dumps(obj, ensure_ascii=False)}\n\n".encode())
        self.wfile.flush()

    def _embeddings(self, body: dict) -> None:
        fake = self.fake
        with fake._lock:
            fake.embedding_requests.append(body)
        inputs = body.get("input", [])
        inputs = [inputs] if isinstance(inputs, str) else inputs
        data = []
        for i, text in enumerate(inputs):
            vec = fake._embed(text if isinstance(text, str) else json.dumps(text))
            if body.get("encoding_format") == "base64":  # the openai client asks for base64 by default
                emb: Any = base64.b64encode(struct.pack(f"<{len(vec)}f", *vec)).decode()
            else:
                emb = vec
            data.append({"object": "embedding", "index": i, "embedding": emb})
        usage = {"prompt_tokens": len(inputs), "total_tokens": len(inputs)}
        self._send_json(200, {"object": "list", "data": data, "model": body.get("model"), "usage": usage})
