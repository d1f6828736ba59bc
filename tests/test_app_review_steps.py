"""Long work in the app: a review runs in slices with progress and can be stopped between them
(Reviewer.review_in_steps), with exactly the findings of a one-piece review; the 起草 worker helper."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from assistant.readers import read_document
from assistant.review.reviewer import Reviewer
from assistant.ui import draft_grid, services

ROOT = Path(__file__).resolve().parent.parent
DOCS = [
    ROOT / "corpus" / "卢龙县自然资源和规划局2024年部门预算绩效文本（草案）.txt",
    *sorted(p for p in (ROOT / "evals" / "docs").iterdir() if p.suffix in (".txt", ".docx")),
]
WILD = ROOT.parent / "shared" / "wild" / "02_luan_nyncj_2024_zhijiantixi.txt"


@pytest.mark.parametrize("path", DOCS + ([WILD] if WILD.exists() else []), ids=lambda p: p.name[:12])
def test_review_in_steps_finds_exactly_what_a_whole_review_finds(path):
    doc = read_document(path)
    whole = Reviewer(use_embeddings=False).review(doc, source_text=None)
    seen = []
    for steps in (1, 4, 40):
        sliced = Reviewer(use_embeddings=False).review_in_steps(
            doc, on_step=lambda done, total, what: seen.append((done, total, what)), steps=steps
        )
        assert [f.model_dump() for f in sliced.findings] == [f.model_dump() for f in whole.findings]
    done = [d for d, _, _ in seen[-min(len(seen), 3) :]]
    assert done == sorted(done) and all(0 <= d < t for d, t, _ in seen)


class Stop(Exception):
    pass


def test_a_step_that_raises_stops_the_review_there(seed_doc):
    calls = []

    def cancel_at_third(done, total, what):
        calls.append(what)
        if len(calls) == 3:
            raise Stop

    with pytest.raises(Stop):
        Reviewer(use_embeddings=False).review_in_steps(seed_doc, on_step=cancel_at_third, steps=18)
    assert len(calls) == 3  # nothing ran after the cancel


def test_embedding_is_done_slice_by_slice_before_the_goal_map(seed_doc):
    class CountingEmbedder:
        def __init__(self):
            from assistant.kb.embeddings import get_embedder

            self.real, self.batches = get_embedder(), []

        def embed_passages(self, texts):
            self.batches.append(len(texts))
            return self.real.embed_passages(texts)

        def embed_query(self, text):
            return self.real.embed_query(text)

    emb = CountingEmbedder()
    labels = []
    Reviewer(embedder=emb).review_in_steps(seed_doc, on_step=lambda d, t, w: labels.append(w), steps=6)
    assert labels[0].startswith("读取项目内容") and sum(1 for w in labels if w.startswith("读取项目内容")) == 6
    assert max(emb.batches[:6]) <= 3  # 18 projects in 6 slices


def test_in_background_ticks_while_waiting_and_passes_results_and_errors():
    ticks = []
    assert services.in_background(lambda: (time.sleep(0.35), 42)[1], ticks.append, every=0.05) == 42
    assert len(ticks) >= 3 and ticks == sorted(ticks)

    def boom():
        raise ValueError("坏了")

    with pytest.raises(ValueError, match="坏了"):
        services.in_background(boom, lambda s: None)


def test_in_background_returns_control_when_a_tick_raises():
    """A cancelled Streamlit run raises inside a tick: the page is free at once, the work ends alone."""
    finished = threading.Event()

    def slow():
        time.sleep(0.5)
        finished.set()

    def tick(secs):
        if secs > 0.1:
            raise Stop

    start = time.monotonic()
    with pytest.raises(Stop):
        services.in_background(slow, tick, every=0.05)
    assert time.monotonic() - start < 0.4 and not finished.is_set()
    assert finished.wait(2)


@pytest.mark.parametrize(
    ("name", "year", "warned"),
    [
        ("2025年高标准农田建设项目", 2027, True),
        ("2027年高标准农田建设项目", 2027, False),
        ("冀财资环[2023]107号—提前下达2024年中央林业改革发展资金", 2024, False),
        ("冀财资环【2022】91号-提前下达2023年中央林业改革发展资金", 2025, True),
        ("2024年—2026年乡村振兴规划编制", 2025, False),
        ("松材线虫病防治经费", 2025, False),
    ],
)
def test_project_name_year_against_budget_year(name, year, warned):
    w = draft_grid.name_year_warning(name, year)
    assert (w is not None) == warned
    if w:
        assert f"{year}年" in w


def test_pump_passes_chunks_ticks_while_waiting_and_reraises():
    def slow_chunks():
        yield "第一段"
        time.sleep(0.35)
        yield "第二段"

    ticks = []
    assert list(services.pump(slow_chunks(), ticks.append, every=0.05)) == ["第一段", "第二段"]
    assert ticks and ticks == sorted(ticks)

    def broken():
        yield "半句"
        raise RuntimeError("断了")

    got = []
    with pytest.raises(RuntimeError, match="断了"):
        for chunk in services.pump(broken(), lambda s: None):
            got.append(chunk)
    assert got == ["半句"]


def test_no_browser_is_not_a_closed_tab():
    assert services.browser_gone() is False  # outside a Streamlit run nothing is stopped
