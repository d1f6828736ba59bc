"""Recording a run: produce the answers of every selected case with one engine, save them with the
run's metadata, then score them (scorers.py) and write the reports (report.py).

Engines: offline (rules, retrieval, the offline drafter and chat; the bundled embedding model) or llm
(the configured OpenAI-compatible endpoint; each job falls back to offline with a note on failure).
"""

from __future__ import annotations

import shutil
import tempfile
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from ..errors import AssistantError, InputError
from ..models import Document
from ..settings import PROJECT_ROOT, get_settings
from . import store
from .cases import SUITES, CaseFile, load_cases, resolve
from .meta import build_meta, corpus_files

Progress = Callable[[str, int, int], None]  # suite, done, total


def _selected(cf: CaseFile, only: set[str] | None) -> list:
    return [c for c in cf.cases if only is None or c.id in only]


# --- answering, one function per suite --------------------------------------------------------------
def answer_review(files: list[CaseFile], engine: str, root: Path, only, policy, step) -> list[dict]:
    from ..engines import choose
    from ..readers import read_document
    from ..review.llm import build_llm_checker
    from ..review.reviewer import Reviewer, read_source_text, review_document

    checker = None
    if engine == "llm":
        chat_model = choose(get_settings(), True, instead="本次仅运行规则检查").chat_model
        checker = build_llm_checker(get_settings(), chat=chat_model)

    def review(path: Path) -> tuple[Document, list[dict]]:
        doc = read_document(path)
        source = read_source_text(path)
        if checker is None:
            result = review_document(doc, policy, source_text=source)
        else:
            result = Reviewer(llm=checker, policy=policy, use_embeddings=False).review(
                doc, source_text=source
            )
        return doc, [f.model_dump(mode="json") for f in result.findings]

    out = []
    for cf in files:
        cases = _selected(cf, only)
        if not cases:
            continue
        if cf.labelled:  # one labelled page per case: a page the reader cannot read is that case's error
            for case in cases:
                rec = {"id": case.id, "document": case.document, "findings": []}
                try:
                    rec["findings"] = review(resolve(case.document, root))[1]
                except AssistantError as e:
                    rec["error"] = str(e)
                out.append(rec)
                step()
            continue
        doc, found = review(resolve(cf.data.document, root))
        named = {c.project for c in cf.cases}
        missing = [p.name for p in doc.projects if p.name not in named]
        if missing:
            raise InputError(
                f"审核评测用例文件「{cf.rel}」没有覆盖项目：{'、'.join(missing)}。"
                "每个项目都要有一条用例（没有问题的项目写 expect: []）。"
            )
        for case in cases:
            out.append(
                {
                    "id": case.id,
                    "document": cf.data.document,
                    "project": case.project,
                    "findings": [f for f in found if f["project"] == case.project],
                }
            )
            step()
    return out


def answer_qa(files: list[CaseFile], engine: str, root: Path, only, step) -> list[dict]:
    from ..engines import answerer, with_notices
    from ..readers import read_document
    from ..review.reviewer import read_source_text

    out = []
    for cf in files:
        cases = _selected(cf, only)
        if not cases:
            continue
        path = resolve(cf.data.document, root)
        doc = read_document(path)
        chat, notices = answerer(doc, get_settings(), use_llm=engine == "llm", source_text=read_source_text(path))
        for case in cases:
            rec = {"id": case.id, "document": cf.data.document, "question": case.question}
            try:
                history: list = []
                for q in case.history:  # each earlier turn is asked in the context of the ones before it
                    history.append(chat.ask(q, history))
                answer = with_notices(chat.ask(case.question, history), notices)
                rec["answer"] = answer.model_dump(mode="json")
            except AssistantError as e:
                rec["error"] = str(e)
            out.append(rec)
            step()
    return out


def answer_draft(files: list[CaseFile], engine: str, root: Path, only, step) -> list[dict]:
    from ..draft import MemoryPrecedents
    from ..engines import drafter
    from ..readers import read_document

    corpus = [read_document(p) for p in corpus_files(root)]
    references: dict[str, object] = {}  # each reference document is parsed once, not once per case
    out = []
    for cf in files:
        for case in _selected(cf, only):
            leave_out = None
            if case.reference is not None:
                ref = case.reference.document
                if ref not in references:
                    references[ref] = read_document(resolve(ref, root))
                leave_out = references[ref].projects[case.reference.table - 1].name
            src = MemoryPrecedents(
                corpus, exclude=(lambda p, n=leave_out: p.name == n) if leave_out else None
            )
            rec = {"id": case.id, "request": case.request().model_dump(mode="json"), "left_out": leave_out}
            try:
                engine_, notices = drafter(get_settings(), src, use_llm=engine == "llm")
                d = engine_.draft(case.request())
                d.notes[:0] = notices
                rec["draft"] = d.model_dump(mode="json")
            except AssistantError as e:
                rec["error"] = str(e)
            out.append(rec)
            step()
    return out


def answer_retrieval(files: list[CaseFile], engine: str, root: Path, only, step) -> list[dict]:
    """Searches a fresh knowledge base of the repository corpus in a temporary folder, so the run
    does not depend on what the user ingested (embeddings come from the shared cache)."""
    from ..kb.index import KnowledgeBase

    base = get_settings()
    out = []
    with tempfile.TemporaryDirectory(prefix="jixiao-eval-", ignore_cleanup_errors=True) as tmp:
        settings = base.model_copy(
            update={"data_dir": Path(tmp), "chroma_host": "", "cache_dir_override": base.cache_dir}
        )
        kb = KnowledgeBase(settings)
        kb.ingest([root / "corpus"])
        for cf in files:
            for case in _selected(cf, only):
                hits = kb.search(case.query, k=10, grain=case.grain, filters=case.filters or None)
                rows = [
                    {
                        "project": h.project,
                        "level3": h.metadata.get("level3"),
                        "document": h.document,
                        "score": round(h.score, 4),
                    }
                    for h in hits
                ]
                out.append(
                    {
                        "id": case.id,
                        "query": case.query,
                        "grain": case.grain,
                        "mode": settings.retrieval_mode,
                        "hits": rows,
                    }
                )
                step()
        del kb
    return out


# --- the run -------------------------------------------------------------------------------------------
def run_eval(
    suites: list[str] | None = None,
    engine: str = "offline",
    name: str | None = None,
    *,
    runs_dir: str | Path | None = None,
    cases_dir: str | Path | None = None,
    root: Path = PROJECT_ROOT,
    only: list[str] | None = None,
    policy: str | Path | None = None,
    overwrite: bool = False,
    progress: Progress | None = None,
) -> Path:
    """Answer, save, score and report; returns the run folder."""
    suites = list(suites or SUITES)
    if engine == "llm" and not get_settings().llm_enabled:
        raise AssistantError(
            "用大模型引擎评测需要先配置 JIXIAO_LLM_BASE_URL 与 JIXIAO_LLM_MODEL（或改用 --engine offline）。"
        )
    name = store.check_name(name or datetime.now().strftime(f"%Y%m%d-%H%M%S-{engine}"))
    cases = load_cases(cases_dir, suites, root)
    wanted = set(only) if only else None
    if wanted:
        known = {c.id for files in cases.values() for cf in files for c in cf.cases}
        if unknown := sorted(wanted - known):
            raise InputError(f"没有这些用例：{'、'.join(unknown)}。")
    pol = None
    if policy:
        from ..rules import load_policy

        pol = load_policy(policy)
    run = store.run_dir(name, runs_dir, must_exist=False)
    if run.exists() and any(run.iterdir()) and not overwrite:
        raise InputError(f"评测运行「{name}」已存在（{run}）：换一个 --name，或加 --overwrite 覆盖。")
    # Answers go to a hidden folder first: a run that fails half way leaves the old one intact.
    work = run.with_name(f".{name}.partial")
    shutil.rmtree(work, ignore_errors=True)
    meta = build_meta(name, engine, suites, cases, root, policy)
    timings = {}
    for suite in suites:
        files = cases[suite]
        total = sum(len(_selected(cf, wanted)) for cf in files)
        if total == 0:
            continue
        done = [0]

        def step(suite=suite, total=total, done=done) -> None:
            done[0] += 1
            if progress:
                progress(suite, done[0], total)

        start = time.perf_counter()
        if suite == "review":
            records = answer_review(files, engine, root, wanted, pol, step)
        else:
            answer = {"qa": answer_qa, "draft": answer_draft, "retrieval": answer_retrieval}[suite]
            records = answer(files, engine, root, wanted, step)
        timings[suite] = round(time.perf_counter() - start, 1)
        for r in records:
            r["file"] = next(cf.stem for cf in files if any(c.id == r["id"] for c in cf.cases))
        store.write_answers(work, suite, records)
    meta["suites"] = list(timings)
    meta["timings_s"] = timings
    store.write_json(work / "meta.json", meta)
    shutil.rmtree(run, ignore_errors=True)
    work.rename(run)
    from .scoring import score_run

    score_run(name, runs_dir=runs_dir, cases_dir=cases_dir, root=root)
    return run
