"""The app's calls into the library with this session's settings (its own model endpoint, if any):
drafting and reviewing."""

from __future__ import annotations

import logging

from ..models import Document, Draft, DraftRequest
from ..settings import Settings

log = logging.getLogger(__name__)


def run_draft(req: DraftRequest, kb, settings: Settings, embedder=None) -> Draft:
    """Draft a table from knowledge-base precedents (none when the store is unavailable: the drafter
    then uses its general templates and says so), on the session's endpoint when one is set."""
    from ..draft import KnowledgeBasePrecedents, MemoryPrecedents
    from ..engines import drafter

    precedents = KnowledgeBasePrecedents(kb) if kb is not None else MemoryPrecedents([], embedder=embedder)
    engine, notices = drafter(settings, precedents)
    d = engine.draft(req)
    d.notes[:0] = notices
    return d


def run_review(
    doc: Document,
    settings: Settings,
    *,
    source_text: str | None = None,
    embedder=None,
    kb=None,
    use_llm: bool = False,
    on_step=None,
):
    """Rules (plus the embedding-assisted goal map), and the LLM checks when asked for and available.
    `on_step(done, total, what)` sees the progress and may raise to cancel (Reviewer.review_in_steps)."""
    from ..engines import reviewer as make_reviewer

    reviewer, notices = make_reviewer(settings, use_llm=use_llm, kb=kb, embedder=embedder)
    result = reviewer.review_in_steps(doc, source_text=source_text, on_step=on_step)
    result.notices = notices + result.notices
    return result


def optional(factory):
    """A helper object, or None when it cannot be built (the caller has a fallback)."""
    try:
        return factory()
    except Exception:
        log.warning("optional %s unavailable", getattr(factory, "__name__", factory), exc_info=True)
        return None


def source_text(data: bytes, name: str) -> str | None:
    """The raw text of an uploaded .txt/.md (the residue rule reads lines the reader dropped)."""
    if not name.lower().endswith((".txt", ".md")):
        return None
    from ..readers.text import decode_text

    try:
        return decode_text(data, name)
    except Exception:  # noqa: BLE001 - only an aid to one rule
        return None


def in_background(work, tick, every: float = 0.3):
    """Run `work()` in a worker thread and call `tick(seconds)` every `every` seconds until it ends.

    Each tick is a Streamlit call, which is where Streamlit stops a run that the user cancelled (a 停止
    button, another page, a closed tab): the page is free at once, and the worker finishes its one call
    (bounded by the model client's timeout) without anyone waiting for it."""
    import threading
    import time

    box: dict = {}

    def run() -> None:
        try:
            box["value"] = work()
        except BaseException as e:  # noqa: BLE001 - re-raised in the caller's thread
            box["error"] = e

    worker = threading.Thread(target=run, name="app-work", daemon=True)
    start = time.monotonic()
    worker.start()
    while worker.is_alive():
        tick(time.monotonic() - start)
        worker.join(every)
    if "error" in box:
        raise box["error"]
    return box["value"]


def browser_gone() -> bool:
    """True when this run's browser tab has closed (its session is no longer connected): long work then
    stops at its next step instead of running on for nobody."""
    from streamlit import runtime
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    if ctx is None or not runtime.exists():
        return False
    return not runtime.get_instance().is_active_session(ctx.session_id)


def pump(chunks, tick, every: float = 0.3):
    """The chunks of a stream, read by a worker thread; while none arrives, `tick(seconds)` runs every
    `every` seconds (a Streamlit call, where a stopped run ends: the page is free at once)."""
    import queue
    import threading
    import time

    box: queue.Queue = queue.Queue()

    def run() -> None:
        try:
            for chunk in chunks:
                box.put(("chunk", chunk))
            box.put(("done", None))
        except BaseException as e:  # noqa: BLE001 - re-raised in the caller's thread
            box.put(("error", e))

    threading.Thread(target=run, name="app-stream", daemon=True).start()
    start = time.monotonic()
    while True:
        try:
            kind, value = box.get(timeout=every)
        except queue.Empty:
            tick(time.monotonic() - start)
            continue
        if kind == "chunk":
            yield value
        elif kind == "error":
            raise value
        else:
            return
