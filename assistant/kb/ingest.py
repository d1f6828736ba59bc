"""What an ingest reports, file by file: which document each file became (new, updated, unchanged, or the
same content as a document already stored from elsewhere), with its origin, so two files with the same
name from two folders are told apart. Also the file walk and the origin of a file on disk.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field

from ..models import Document
from .records import doc_id_for, origin_label, upload_origin

Status = Literal["new", "updated", "unchanged", "same_content"]
STATUS_LABELS = {"new": "新入库", "updated": "已更新", "unchanged": "未变化", "same_content": "内容相同"}


class SkippedFile(BaseModel):
    path: str
    reason: str


class IngestedDoc(BaseModel):
    """One file as stored: `doc_id` the knowledge-base id, `origin` where the stored document was first
    read from (for same_content: the earlier file whose content this one repeats)."""

    path: str
    source_file: str
    doc_id: str
    origin: str
    status: Status
    added: int = 0
    removed: int = 0

    def line(self) -> str:
        where = origin_label(self.origin)
        text = f"  - {self.source_file}（{where}）：{STATUS_LABELS[self.status]}"
        if self.status == "same_content":
            return text + f"，与已入库的「{self.origin}」内容相同，未重复入库"
        if self.added or self.removed:
            text += f"，写入 {self.added} 条" + (f"，删除过期 {self.removed} 条" if self.removed else "")
        return text


class IngestReport(BaseModel):
    documents: int = 0
    projects: int = 0
    rows: int = 0
    added: int = 0  # records written
    removed: int = 0  # stale records of a changed file
    unchanged: int = 0  # documents already indexed as they are
    skipped: list[SkippedFile] = Field(default_factory=list)
    items: list[IngestedDoc] = Field(default_factory=list)

    def summary(self) -> str:
        lines = [
            (
                f"入库完成：文档 {self.documents} 份，项目 {self.projects} 个，指标行 {self.rows} 行"
                f"（新写入 {self.added} 条，删除过期 {self.removed} 条，未变化文档 {self.unchanged} 份）。"
            )
        ]
        lines += [item.line() for item in self.items]
        if self.skipped:
            lines.append(f"跳过 {len(self.skipped)} 个文件：")
            lines += [f"  - {s.path}：{s.reason}" for s in self.skipped]
        return "\n".join(lines)


def iter_files(paths: Iterable[str | Path]) -> list[Path]:
    """Files named directly, and every non-hidden file under named folders, in a stable order."""
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out += sorted(
                f
                for f in p.rglob("*")
                if f.is_file() and not any(part.startswith((".", "~$")) for part in f.relative_to(p).parts)
            )
        else:
            out.append(p)
    return out


def file_origin(path: Path) -> str:
    """The origin of a file on disk: its full path."""
    return str(path.resolve())


def file_sha(path: Path) -> str:
    """SHA-256 of a file's bytes, read in chunks (files are at most settings.max_file_mb)."""
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def identify(
    entries: list[dict[str, Any]],
    doc: Document,
    origin: str,
    content_sha: str,
    stored: Callable[[str], Document | None],
) -> tuple[str, str, str]:
    """(doc_id, origin, how): which stored document (`entries`: id, origin, file_sha of each) this one
    is. `how`: same (the same file again, unchanged), origin (the same file, changed), content (the same
    content read from elsewhere: that document, under its first origin), legacy (a store keyed by file
    name holds this very document, same title and projects: re-keyed by origin), or new. A name alone
    never makes two documents one."""
    if origin:
        for e in entries:
            if e.get("origin") == origin:
                return e["id"], origin, "same" if e.get("file_sha") == content_sha else "origin"
    if content_sha:
        for e in entries:
            if e.get("file_sha") == content_sha:
                return e["id"], e.get("origin") or origin, "content"
    legacy = doc_id_for(Path(doc.source_file).name)
    if origin and any(e["id"] == legacy and not e.get("origin") for e in entries):
        old = stored(legacy)
        if old is not None and (old.title, [p.name for p in old.projects]) == (
            doc.title,
            [p.name for p in doc.projects],
        ):
            return doc_id_for(origin), origin, "legacy"
    origin = origin or upload_origin(content_sha)
    return doc_id_for(origin), origin, "new"
