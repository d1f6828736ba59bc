"""First start: the corpus/ folder goes into the knowledge base in a background thread, started when
the server starts (server.lifespan) or, without the server (AppTest), by the first script run.

Pages stay usable while it runs; `status()` is what the sidebar shows as progress. One load per store
(settings_key), per process.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field

from ..settings import get_settings
from . import resources

log = logging.getLogger(__name__)


@dataclass
class Loading:
    """Progress of one store's first-start load: `done` of `total` files, `name` the current one."""

    done: float = 0.0
    total: int = 0
    name: str = ""
    finished: bool = False
    summary: str = ""  # the ingest report's summary when files were skipped
    error: str = ""
    started: float = field(default_factory=time.monotonic)

    @property
    def fraction(self) -> float:
        return min(self.done / self.total, 1.0) if self.total else 0.0

    def label(self) -> str:
        if self.error:
            return f"往年资料入库失败：{self.error}"
        if self.finished:
            return "往年资料已载入"
        if not self.total:
            return "正在打开知识库…"
        current = min(int(self.done) + 1, self.total)
        return f"正在载入往年资料「{self.name}」（{current}/{self.total}）" if self.name else "正在整理知识库…"


_LOCK = threading.Lock()
_LOADS: dict[str, Loading] = {}


def begin() -> Loading:
    """Start the load for the configured store unless it has started already; returns its progress."""
    settings = get_settings()
    key = resources.settings_key(settings)
    with _LOCK:
        if key in _LOADS:
            return _LOADS[key]
        load = _LOADS[key] = Loading()
    threading.Thread(target=_run, args=(load,), name="corpus-load", daemon=True).start()
    return load


def status() -> Loading:
    """The configured store's load (started now if it had not been)."""
    return begin()


def ready() -> bool:
    return status().finished


def _run(load: Loading) -> None:
    try:  # yield the CPU to page scripts: a user waits on those, not on this load (Linux: per thread)
        import os

        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 10)
    except (AttributeError, OSError):
        pass

    def step(done: float, total: int, name: str) -> None:
        load.done, load.total, load.name = done, total, name

    try:
        report = resources.index_corpus(step)
        if report is not None and report.skipped:
            load.summary = report.summary()
        resources.warm_up()
    except Exception as e:  # noqa: BLE001 - the app works without precedents; the sidebar says why
        log.exception("first-start corpus load failed")
        load.error = f"{e.__class__.__name__}：{e}"
    finally:
        load.finished = True
