"""Chat, LLM engine: the model phrases the answer, the document supplies every fact.

For each question the relevant rows and project fields are retrieved from the Document (plus optional
knowledge-base hits) and numbered ([R3], [P8-预算数], ...); the offline engine's computed answer is handed
over so sums, counts and lists are never added up by the model. The model cites ids as [编号|原文摘录];
each citation is checked against the source and rewritten to a numbered marker [n] matching
Answer.citations, while streaming. The finished answer is checked once more (guard.py): one citing what the
request did not give, citing nothing, stating numbers the material does not hold or contradicting the
reviewer's findings is replaced by the offline engine's answer with a notice, as is any endpoint failure.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from langchain_core.language_models import BaseChatModel

from ..errors import AssistantError, LLMError
from ..llm import (
    NOT_CONFIGURED,
    AnswerCache,
    build_chat_model,
    invoke_text,
    not_configured,
    prompt,
    stream_text,
    to_dicts,
    to_llm_error,
)
from ..models import Answer, Citation, Document, Finding
from ..settings import get_settings
from ..values import normalize_text
from .citations import is_grounded
from .context import Context, build_context
from .guard import problem
from .offline import NOT_FOUND, OfflineChat
from .stream import AnswerStream, History

HISTORY_MESSAGES = 6  # earlier turns sent with a question (3 question/answer pairs)

_OPEN, _CLOSE = "[【", "]】"
_ID = re.compile(r"^(R\d+|P\d+-[^|｜:：]+?|D-[^|｜:：]+?|K\d+|E\d+)\s*(?:[|｜:：]\s*(.*))?$", re.DOTALL)
_ID_START = re.compile(r"^\s*([RKE]\d|P\d+-|D-)")
_SPLIT = re.compile(r"[,，、;；]\s*(?=[RKE]\d|P\d+-|D-)")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_DONT_KNOW = re.compile(
    r"未找到|没有找到|找不到|无法回答|无法确定|不知道|未提及|没有提及|没有相关|未包含|不包含|没有提供|未提供"
)
_MONEY_SUFFIX = re.compile(r"\(?(万元|万|元)\)?$")  # after NFKC: 31.98（万元） -> 31.98(万元)


def _fallback_notice(err: Exception) -> str:
    if str(err) == NOT_CONFIGURED:
        return not_configured("已改用离线引擎回答")
    return f"大模型调用失败（{str(err).rstrip('。')}），已改用离线引擎回答"


class _Rewriter:
    """Turns the model's streamed text into display text: drops <think> blocks, checks each
    [编号|摘录] against the context and replaces it with [n] (or nothing when it cannot be verified)."""

    def __init__(self, doc: Document, ctx: Context):
        self.doc, self.ctx = doc, ctx
        self.raw = ""  # everything received
        self.pos = 0  # raw[:pos] has been processed
        self.held = ""  # output withheld until the answer shows real (Chinese) text
        self.started = False
        self.emitted = ""  # display text handed out so far
        self.citations: list[Citation] = []
        self.numbers: dict[tuple, int] = {}
        self.removed = 0

    def feed(self, chunk: str, final: bool = False) -> str:
        self.raw += chunk
        out = []
        while self.pos < len(self.raw):
            rest = self.raw[self.pos :]
            if self.pos == 0 or not self.raw[: self.pos].strip():  # reasoning models open with <think>
                stripped = rest.lstrip()
                if stripped.startswith("<think>") or (not final and "<think>".startswith(stripped)):
                    end = rest.find("</think>")
                    if end < 0:
                        break
                    self.pos += end + len("</think>")
                    continue
            at = min((i for i in (rest.find(c) for c in _OPEN) if i >= 0), default=-1)
            if at < 0:
                out.append(rest)
                self.pos = len(self.raw)
                break
            out.append(rest[:at])
            close = min((i for i in (rest.find(c, at) for c in _CLOSE) if i >= 0), default=-1)
            if close < 0:
                if final or len(rest) - at > 120:  # never closed: plain text
                    out.append(rest[at])
                    self.pos += at + 1
                    continue
                self.pos += at
                break
            out.append(self._marker(rest[at + 1 : close], rest[at : close + 1]))
            self.pos += close + 1
        return self._gate("".join(out))

    def _gate(self, text: str) -> str:
        if not self.started:
            self.held += text
            if not _CJK.search(self.held):
                return ""
            self.started = True
            text, self.held = self.held.lstrip(), ""
        self.emitted += text
        return text

    def _marker(self, inner: str, original: str) -> str:
        """A bracket's replacement: [n] markers for the verified ids in it, the text itself when it is
        not a citation at all ("[注]"), nothing for ids that fail."""
        inner = inner.strip()
        if not _ID_START.match(inner):
            return original
        parts = [p for p in _SPLIT.split(inner) if p.strip()]  # [R1|≥1000亩，R2|≥2000亩] is two
        marks = []
        for part in parts:
            m = _ID.match(part.strip())
            cite = self._verify(m.group(1).strip(), (m.group(2) or "").strip()) if m else None
            if cite is None:
                self.removed += 1
                continue
            key = (cite.document, cite.location.table, cite.location.row, cite.field, cite.quote)
            if key not in self.numbers:
                self.citations.append(cite)
                self.numbers[key] = len(self.citations)
            mark = f"[{self.numbers[key]}]"
            if mark not in marks:
                marks.append(mark)
        return "".join(marks)

    def _verify(self, cid: str, quote: str) -> Citation | None:
        entry = self.ctx.get(cid)
        if entry is None:
            return None
        if not quote:
            return entry.citation
        q = normalize_text(quote)
        if entry.money:
            q = _MONEY_SUFFIX.sub("", q)
        if not q or q not in normalize_text(entry.source):
            return None
        if entry.in_document and not is_grounded(self.doc, entry.citation.model_copy(update={"quote": q})):
            return None
        return entry.refine(q)


class LLMChat:
    engine = "llm"
    """Grounded chat over one Document. `chat_model` defaults to the configured endpoint; `kb` (a
    KnowledgeBase) adds a few hits from other documents; `findings` answer defect questions offline."""

    def __init__(
        self,
        doc: Document,
        chat_model: BaseChatModel | None = None,
        kb: Any = None,
        findings: list[Finding] | None = None,
        source_text: str | None = None,
    ):
        self.doc, self.kb, self.findings = doc, kb, findings
        self._chat = chat_model
        self.offline = OfflineChat(doc, findings, source_text=source_text)

    def ask(self, question: str, history: History = ()) -> Answer:
        """One answer, requested without streaming."""
        return self.stream(question, history, streaming=False).answer

    def stream(self, question: str, history: History = (), *, streaming: bool = True) -> AnswerStream:
        return AnswerStream(self._run(question, list(history or ()), streaming))

    # -- internals --------------------------------------------------------------------------------
    def _offline_answer(self, question: str) -> Answer | None:
        try:
            return self.offline.ask(question)
        except Exception:  # noqa: BLE001 - the offline engine is a helper here; the model can still answer
            return None

    def _model(self) -> BaseChatModel:
        if self._chat is None:
            self._chat = build_chat_model()
        if self._chat is None:
            raise LLMError(NOT_CONFIGURED)
        return self._chat

    def messages(self, question: str, history: list, offline: Answer | None) -> tuple[list[dict], Context]:
        """The request: system prompt with the numbered materials, earlier turns, the question."""
        turns = history_messages(history)
        earlier = [m["content"] for m in turns if m["role"] == "user"]
        ctx = build_context(self.offline, question, earlier, offline, self.kb)
        system = prompt(
            "chat",
            document=self.doc.title or self.doc.source_file or "绩效文本",
            context=ctx.render(),
            facts=ctx.facts,
        )
        return [{"role": "system", "content": system}, *turns, {"role": "user", "content": question}], ctx

    def _run(self, question: str, history: list, streaming: bool) -> Iterator[str]:
        offline = self._offline_answer(question)
        emitted = False
        try:
            chat = self._model()
            convo, ctx = self.messages(question, history, offline)
            rw = _Rewriter(self.doc, ctx)
            cache = AnswerCache.from_settings()
            model = getattr(chat, "model_name", None) or get_settings().llm_model
            key = cache.key(model, convo, "chat", {})
            saved = cache.get(key)
            if saved is not None:
                chunks: Iterator[str] = iter([saved["raw"]])
            elif cache.mode == "replay":
                raise LLMError("回放模式下没有这个问题的已保存回答")
            elif streaming:
                chunks = _guard(stream_text(chat, convo), chat)
            else:
                chunks = iter([_invoke(chat, convo)])
            raw: list[str] = []
            for chunk in chunks:
                raw.append(chunk)
                if (text := rw.feed(chunk)) and streaming:
                    emitted = True
                    yield text
            if tail := rw.feed("", final=True):
                emitted = True
                yield tail
            if not rw.started:
                raise LLMError("大模型返回了空白或无法识别的回答")
            if saved is None:  # only answers that were usable are saved; errors never are
                cache.put(key, {"model": model, "schema": "chat", "params": {}, "messages": convo, "raw": "".join(raw), "attempts": 1})
            answer = self._finish(question, rw)
            material = ctx.render() + "\n" + "\n".join(e.source for e in ctx.entries.values())
            reason = problem(answer, rw.removed, offline, material, question)
            if reason is not None:  # computed facts and the document win over the model's text
                answer = self._fallback(question, offline, None, f"大模型的回答未通过核对（{reason}），已改用离线引擎的回答")
                yield ("\n\n（" + answer.notice + "）\n" if emitted else "") + answer.text
                return answer
            if len(answer.text) > len(rw.emitted):  # a not-found sentence added to the model's text
                yield answer.text[len(rw.emitted) :]
            return answer
        except AssistantError as err:
            answer = self._fallback(question, offline, err)
            yield ("\n\n（" + answer.notice + "）\n" if emitted else "") + answer.text
            return answer

    def _finish(self, question: str, rw: _Rewriter) -> Answer:
        text = rw.emitted
        # conclusion first (as the prompt asks): an answer opening with 资料中未找到 is a not-found one even
        # when it cites the closest rows; elsewhere in the text it may concern one part of the question only
        said = text.lstrip().startswith(NOT_FOUND)
        not_found = said or (not rw.citations and bool(NOT_FOUND in text or _DONT_KNOW.search(text)))
        if not_found and NOT_FOUND not in text:
            text += f"\n{NOT_FOUND}与该问题直接对应的内容。"
        return Answer(question=question, text=text, citations=rw.citations, engine="llm", not_found=not_found)

    def _fallback(self, question: str, offline: Answer | None, err: Exception | None, notice: str = "") -> Answer:
        answer = offline or Answer(
            question=question, text=f"{NOT_FOUND}：离线引擎也无法回答该问题。", not_found=True
        )
        notice = notice or _fallback_notice(err)
        if answer.notice:
            notice += "；" + answer.notice
        return answer.model_copy(update={"notice": notice, "engine": "offline"})


def history_messages(history: History, limit: int = HISTORY_MESSAGES) -> list[dict]:
    """Earlier turns as {"role", "content"} dicts: at most the last `limit` messages, starting with a
    question. An Answer stands for its question and its text."""
    flat: list = []
    for item in history or ():
        if isinstance(item, Answer):
            flat += [("user", item.question), ("assistant", item.text)]
        else:
            flat.append(item)
    turns = [m for m in to_dicts(flat) if m["role"] in ("user", "assistant") and m["content"]]
    turns = turns[-limit:] if limit > 0 else []
    return (
        turns[1:] if turns and turns[0]["role"] == "assistant" else turns
    )  # chat templates open with a user turn


def _guard(chunks: Iterator[str], chat: BaseChatModel) -> Iterator[str]:
    """stream_text, with transport and parsing failures it does not map turned into LLMError."""
    try:
        yield from chunks
    except AssistantError:
        raise
    except Exception as exc:
        raise to_llm_error(exc, chat) from exc


def _invoke(chat: BaseChatModel, convo: list[dict]) -> str:
    try:
        return invoke_text(chat, convo)  # bounded: the action's deadline, retries, breaker, size cap
    except AssistantError:
        raise
    except Exception as exc:
        raise to_llm_error(exc, chat) from exc
