"""Saved work of one browser: drafts with their edits, uploaded documents, chat histories, and which of
them was open. Files under data_dir/workspaces/<id>/, where <id> is a hash of the browser's random
cookie (assistant/ui/server.py), so two browsers never share a folder and the cookie itself is not
written to disk. No Streamlit here: the page code in state.py and draft_state.py calls it.

    workspaces/<id>/state.json            {"draft": id, "document": key}: what was open
    workspaces/<id>/drafts/<id>.json      {"label", "saved": ISO time, "draft": Draft, "rows": grid rows}
    workspaces/<id>/documents/<h>.json    {"key", "label", "saved", "document": Document, "source_text"}
    workspaces/<id>/chats/<h>.json        {"key", "answers": [Answer]}
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import shutil
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from ..models import Answer, Document, Draft

log = logging.getLogger(__name__)
_ID = re.compile(r"^[0-9a-f]{8,64}$")


@dataclass
class Saved:
    """One entry of a 最近的草稿/文档 list."""

    id: str  # draft id, or document key
    label: str
    saved: str  # ISO time

    @property
    def when(self) -> str:
        """Local time, as a clerk reads it: 2025-03-08 14:05."""
        try:
            return datetime.fromisoformat(self.saved).astimezone().strftime("%Y-%m-%d %H:%M")
        except ValueError:
            return self.saved


def folder_name(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()[:32]


def _hashed(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()[:24]


def _now() -> str:
    return datetime.now().astimezone().isoformat(timespec="seconds")


class Workspace:
    """One browser's folder. Every write is atomic (a reader never sees half a file); a file that cannot
    be read is skipped and logged, never fatal."""

    def __init__(self, root: Path):
        self.root = Path(root)

    @classmethod
    def for_token(cls, data_dir: Path, token: str) -> Workspace:
        return cls(Path(data_dir) / "workspaces" / folder_name(token))

    # -- files ---------------------------------------------------------------------------------------
    def _write(self, path: Path, obj: Any) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps(obj, ensure_ascii=False), encoding="utf-8")
        tmp.replace(path)

    def _read(self, path: Path) -> Any | None:
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError):
            log.warning("unreadable workspace file %s", path, exc_info=True)
            return None

    def _listing(self, folder: str, id_field: str | None) -> list[Saved]:
        out = []
        for path in (self.root / folder).glob("*.json"):
            data = self._read(path)
            if isinstance(data, dict):
                ident = data.get(id_field) if id_field else path.stem
                out.append(Saved(str(ident), str(data.get("label", "")), str(data.get("saved", ""))))
        return sorted(out, key=lambda s: s.saved, reverse=True)

    # -- what was open ---------------------------------------------------------------------------------
    def opened(self) -> dict[str, str]:
        data = self._read(self.root / "state.json")
        return data if isinstance(data, dict) else {}

    def set_opened(self, **values: str | None) -> None:
        now = self.opened()
        new = {**now, **{k: v for k, v in values.items() if v is not None}}
        for k, v in values.items():
            if v is None:
                new.pop(k, None)
        if new != now:
            self._write(self.root / "state.json", new)

    # -- drafts ----------------------------------------------------------------------------------------
    @staticmethod
    def new_draft_id() -> str:
        return hashlib.sha256(f"{time.time_ns()}-{os.getpid()}".encode()).hexdigest()[:16]

    def save_draft(self, draft_id: str, draft: Draft, rows: list[dict[str, Any]]) -> None:
        if not _ID.match(draft_id):
            raise ValueError(draft_id)
        label = f"{draft.project.name}（{draft.project.budget or 0:g} 万元，{draft.request.year} 年度）"
        record = {"label": label, "saved": _now(), "draft": draft.model_dump(mode="json"), "rows": rows}
        self._write(self.root / "drafts" / f"{draft_id}.json", record)
        self.set_opened(draft=draft_id)

    def drafts(self) -> list[Saved]:
        return self._listing("drafts", None)

    def load_draft(self, draft_id: str) -> tuple[Draft, list[dict[str, Any]]] | None:
        if not _ID.match(draft_id or ""):
            return None
        data = self._read(self.root / "drafts" / f"{draft_id}.json")
        try:
            return Draft.model_validate(data["draft"]), list(data["rows"])
        except (TypeError, KeyError, ValueError):
            return None

    def remove_draft(self, draft_id: str) -> None:
        if _ID.match(draft_id or ""):
            (self.root / "drafts" / f"{draft_id}.json").unlink(missing_ok=True)
        if self.opened().get("draft") == draft_id:
            self.set_opened(draft=None)

    # -- documents -------------------------------------------------------------------------------------
    def save_document(self, key: str, label: str, doc: Document, source_text: str | None = None) -> None:
        record = {
            "key": key,
            "label": label,
            "saved": _now(),
            "document": doc.model_dump(mode="json"),
            "source_text": source_text,
        }
        self._write(self.root / "documents" / f"{_hashed(key)}.json", record)

    def documents(self) -> list[Saved]:
        return self._listing("documents", "key")

    def load_document(self, key: str) -> tuple[str, Document, str | None] | None:
        data = self._read(self.root / "documents" / f"{_hashed(key)}.json")
        try:
            return str(data["label"]), Document.model_validate(data["document"]), data.get("source_text")
        except (TypeError, KeyError, ValueError):
            return None

    def remove_document(self, key: str) -> None:
        (self.root / "documents" / f"{_hashed(key)}.json").unlink(missing_ok=True)
        self.remove_chat(key)
        if self.opened().get("document") == key:
            self.set_opened(document=None)

    # -- chats -----------------------------------------------------------------------------------------
    def save_chat(self, key: str, answers: list[Answer]) -> None:
        if not answers:
            self.remove_chat(key)
            return
        record = {"key": key, "saved": _now(), "answers": [a.model_dump(mode="json") for a in answers]}
        self._write(self.root / "chats" / f"{_hashed(key)}.json", record)

    def load_chat(self, key: str) -> list[Answer]:
        data = self._read(self.root / "chats" / f"{_hashed(key)}.json")
        try:
            return [Answer.model_validate(a) for a in data["answers"]]
        except (TypeError, KeyError, ValueError):
            return []

    def remove_chat(self, key: str) -> None:
        (self.root / "chats" / f"{_hashed(key)}.json").unlink(missing_ok=True)

    def clear(self) -> None:
        """Remove everything this browser saved."""
        shutil.rmtree(self.root, ignore_errors=True)
