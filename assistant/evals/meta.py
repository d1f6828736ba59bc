"""What a run records about itself (meta.json): engine, model, prompt hashes, the settings that matter,
case-file, document and corpus hashes, the code version and when it ran."""

from __future__ import annotations

import subprocess
from datetime import datetime
from pathlib import Path

from ..settings import get_settings
from .cases import CaseFile, file_hash, resolve


def corpus_files(root: Path) -> list[Path]:
    """The prior-year documents the drafter and the knowledge base draw on: root/corpus/*."""
    from ..readers import SUPPORTED

    folder = root / "corpus"
    return sorted(
        p
        for p in folder.glob("*")
        if p.is_file() and p.suffix.lower() in SUPPORTED and not p.name.startswith(".")
    )


def prompt_hashes() -> dict[str, str]:
    from ..llm import prompt_hash, prompt_names

    return {name: prompt_hash(name) for name in prompt_names()}


def _git_commit(root: Path) -> str | None:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=root,
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() or None


def build_meta(
    name: str, engine: str, suites: list[str], cases: dict[str, list[CaseFile]], root: Path, policy_path
) -> dict:
    s = get_settings()
    docs = sorted({d for cf in cases.get("review", []) + cases.get("qa", []) for d in cf.documents})
    docs += sorted({c.reference.document for cf in cases.get("draft", []) for c in cf.cases if c.reference})
    from ..kb.embeddings import Embedder
    from ..redact import safe_url

    corpus = corpus_files(root)
    return {
        "name": name,
        "engine": engine,
        "model": s.llm_model if engine == "llm" else None,
        "llm_base_url": safe_url(s.llm_base_url) if engine == "llm" else None,  # no credentials
        "created": datetime.now().astimezone().isoformat(timespec="seconds"),
        "suites": suites,
        "prompts": prompt_hashes(),
        "settings": {
            "retrieval_mode": s.retrieval_mode,
            "embedder": Embedder(s).name,
            "llm_temperature": s.llm_temperature,
            "llm_structured_method": s.llm_structured_method,
            "llm_cache": s.llm_cache,
            "policy": str(policy_path) if policy_path else None,
        },
        "case_files": {cf.rel: cf.sha for files in cases.values() for cf in files},
        "documents": {
            d: file_hash(resolve(d, root)) for d in dict.fromkeys(docs) if resolve(d, root).is_file()
        },
        "corpus": {p.name: file_hash(p) for p in corpus},
        "git_commit": _git_commit(root),
    }
