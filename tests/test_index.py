"""Knowledge base: idempotent ingest, resumable ingest, offline embeddings, hybrid search, filters."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.errors import ConfigError, InputError
from assistant.kb.embeddings import Embedder, EmbeddingCache
from assistant.kb.index import KnowledgeBase, ensure_corpus_indexed
from assistant.kb.records import build_records
from assistant.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "corpus" / "卢龙县自然资源和规划局2024年部门预算绩效文本（草案）.txt"


def shared_cache_dir(tmp_path_factory) -> Path:
    """The session's cache dir (conftest's JIXIAO_CACHE_DIR_OVERRIDE): the seed is embedded once."""
    return tmp_path_factory.getbasetemp() / "shared-cache"


def make_kb(data_dir: Path, cache_dir: Path, **kw) -> KnowledgeBase:
    """A KnowledgeBase with explicit settings (module fixtures run before the autouse data dir)
    and its own cache counters over the shared embedding cache."""
    settings = Settings(data_dir=data_dir, cache_dir_override=cache_dir, **kw)
    cache = EmbeddingCache(cache_dir / "embeddings.sqlite")
    return KnowledgeBase(settings, embedder=Embedder(settings, cache=cache))


@pytest.fixture(scope="module")
def kb(tmp_path_factory) -> KnowledgeBase:
    kb = make_kb(tmp_path_factory.mktemp("kb"), shared_cache_dir(tmp_path_factory))
    report = kb.ingest([SEED])
    assert report.documents == 1 and not report.skipped
    return kb


@pytest.fixture
def fresh_kb(tmp_path, tmp_path_factory) -> KnowledgeBase:
    return make_kb(tmp_path / "fresh", shared_cache_dir(tmp_path_factory))


def test_domain_words_stay_whole(kb, tmp_path_factory):
    import jieba

    from assistant.tokens import tokenize

    tokens = tokenize("不动产登记 美国白蛾防治 造林补贴")  # loads the domain dictionary
    for word in ("美国白蛾", "不动产登记", "造林补贴", "森林覆盖率", "公益林"):
        assert word in jieba.lcut(f"今年{word}工作"), word
    assert {"不动产登记", "美国白蛾", "造林补贴"} <= set(tokens)
    assert {"不动产", "登记", "白蛾"} <= set(tokens)  # search mode also emits the parts
    # jieba's cache lives in the app's cache dir (here the test session's), not $TMPDIR or .data
    assert Path(jieba.dt.tmp_dir).resolve().is_relative_to(tmp_path_factory.getbasetemp().resolve())


def test_ingest_counts_and_reingest_changes_nothing(kb):
    assert kb.count() == 142
    assert kb.count("project") == 18 and kb.count("indicator") == 124
    ids = set(kb.collection.get(include=[])["ids"])
    misses = kb.embedder.cache.misses
    report = kb.ingest([SEED])
    assert (report.added, report.removed, report.unchanged) == (0, 0, 1)
    assert (report.projects, report.rows) == (18, 124)
    assert kb.embedder.cache.misses == misses  # nothing embedded the second time
    assert set(kb.collection.get(include=[])["ids"]) == ids


def test_interrupted_ingest_resumes_without_duplicates(kb, fresh_kb, seed_doc):
    seed_doc.source_file = SEED.name

    class Stop(Exception):
        pass

    def stop_after_first(done, total):
        raise Stop

    origin = str(SEED.resolve())  # as `ingest` keys the file
    with pytest.raises(Stop):
        fresh_kb.ingest_document(seed_doc, batch_size=50, on_batch=stop_after_first, origin=origin)
    assert fresh_kb.count() == 50
    assert fresh_kb.documents() == []  # the document JSON is written only once all rows are in
    added, removed = fresh_kb.ingest_document(seed_doc, batch_size=50, origin=origin)
    assert (added, removed) == (92, 0)
    ids = fresh_kb.collection.get(include=[])["ids"]
    assert len(ids) == len(set(ids)) == 142
    assert set(ids) == set(kb.collection.get(include=[])["ids"])
    assert fresh_kb.embedder.cache.misses == 0  # the session cache already held every vector


def test_changed_file_replaces_its_records(fresh_kb, seed_doc):
    seed_doc.source_file = "变更测试.txt"
    origin = "/单位/变更测试.txt"  # the same file, changed between two ingests
    fresh_kb.ingest_document(seed_doc, origin=origin)
    assert fresh_kb.count() == 142
    seed_doc.projects = seed_doc.projects[12:15]  # 造林补贴、苗木费, 专网…, 不动产业务经费
    seed_doc.projects[0].indicators[0].value_raw = "≥12万亩"
    added, removed = fresh_kb.ingest_document(seed_doc, origin=origin)
    seed_doc.origin = origin
    want = {r.id for r in build_records(seed_doc)}
    assert set(fresh_kb.collection.get(include=[])["ids"]) == want
    assert added == 1 and removed == 142 - (len(want) - 1)
    hits = fresh_kb.search("美国白蛾防治", k=5, mode="bm25")
    assert all(h.project != "美国白蛾防治费用" for h in hits)  # BM25 was rebuilt from the new store
    rows = fresh_kb.search("各年度造林面积", k=1, grain="indicator", mode="bm25")
    assert "≥12万亩" in rows[0].text
    assert fresh_kb.remove("变更测试.txt") == len(want)
    assert fresh_kb.count() == 0 and fresh_kb.documents() == []


def test_collection_rebuilds_our_embedding_function_offline(kb, no_network, monkeypatch):
    import chromadb
    from chromadb.config import Settings as ChromaSettings
    from chromadb.utils.embedding_functions import ONNXMiniLM_L6_V2

    def refuse(*a, **k):
        raise AssertionError("chroma's default embedding model must never be used")

    monkeypatch.setattr(ONNXMiniLM_L6_V2, "__call__", refuse)
    conf = kb.collection.configuration_json["embedding_function"]
    assert conf["type"] == "known" and conf["name"] == "jixiao_embedder"
    assert conf["config"] == {"model": kb.embedder.name}
    # A second client that passes no embedding function gets ours back from the stored config.
    client = chromadb.PersistentClient(
        path=str(kb.settings.chroma_dir), settings=ChromaSettings(anonymized_telemetry=False)
    )
    col = client.get_collection(kb.collection_name)
    res = col.query(query_texts=["美国白蛾防治面积"], n_results=1, where={"grain": "indicator"})
    assert res["metadatas"][0][0]["level3"] == "防治面积"


@pytest.mark.parametrize("mode", ["hybrid", "dense", "bm25"])
def test_done_when_searches(kb, mode):
    projects = kb.search("造林补贴 提高森林覆盖率", k=5, mode=mode)
    assert projects[0].project == "造林补贴、苗木费"
    rows = kb.search("不动产登记 发证数量", k=5, grain="indicator", mode=mode)
    assert rows[0].metadata["level3"] == "登记发证数量"


def test_hit_fields_and_project_lookup(kb):
    hit = kb.search("美国白蛾防治面积", k=3, grain="indicator")[0]
    assert (hit.grain, hit.project, hit.metadata["level3"]) == ("indicator", "美国白蛾防治费用", "防治面积")
    assert hit.location.file == SEED.name
    assert (hit.location.table, hit.location.row) == (9, 1) and hit.location.line > 0
    assert hit.document == "卢龙县自然资源和规划局2024年部门预算绩效文本（草案）"
    assert hit.metadata["level1"] == "产出指标" and hit.metadata["level2"] == "数量指标"
    assert hit.dense_rank == 1 and hit.bm25_rank == 1 and hit.score > 0
    project = kb.project_for(hit)
    assert project is not None and project.budget == 10.0
    assert kb.get_project(hit.doc_id, 13).name == "造林补贴、苗木费"
    assert kb.get_project(hit.doc_id, 99) is None and kb.get_project("missing", 1) is None
    [doc] = kb.documents()
    assert doc.source_file == SEED.name and len(doc.projects) == 18
    local = kb.settings.data_dir / "docs" / f"{hit.doc_id}.json"
    assert local.exists()
    local.unlink()  # the store holds the JSON too: the local copy is rebuilt from it
    kb.docs._cache.clear()
    assert kb.get_project(hit.doc_id, 9).name == "美国白蛾防治费用" and local.exists()


def test_filters(kb):
    unit = kb.search("信息化建设", k=10, filters={"unit_name": "卢龙县不动产登记中心"})
    assert unit and all(h.metadata["unit_name"] == "卢龙县不动产登记中心" for h in unit)
    sat = kb.search("群众满意度", k=10, grain="indicator", filters={"level1": "满意度指标", "year": 2024})
    assert len(sat) == 10 and all(h.metadata["level1"] == "满意度指标" for h in sat)
    cost = kb.search("预算", k=30, grain="indicator", filters={"level2": ["成本指标"]}, mode="bm25")
    assert cost and all(h.metadata["level2"] == "成本指标" for h in cost)
    assert kb.search("造林", filters={"source_file": "别的文件.txt"}) == []
    assert kb.search("造林", filters={"department": "卢龙县自然资源和规划局"})
    both = kb.search("造林", k=20, grain=None)
    assert {h.grain for h in both} == {"project", "indicator"}
    with pytest.raises(InputError, match="未知的筛选条件"):
        kb.search("造林", filters={"color": "red"})
    with pytest.raises(ConfigError, match="未知的检索方式"):
        kb.search("造林", mode="fuzzy")
    assert kb.search("   ") == [] and kb.search("的", mode="bm25") == []


def test_ensure_corpus_indexed(tmp_path, tmp_path_factory):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / SEED.name).write_bytes(SEED.read_bytes())
    (corpus / "说明.doc").write_bytes(b"not a document")
    kb = make_kb(tmp_path / "data", shared_cache_dir(tmp_path_factory), corpus_dir=corpus)
    calls = []
    report = ensure_corpus_indexed(progress_callback=lambda *a: calls.append(a), kb=kb)
    assert report.documents == 1 and kb.count() == 142
    assert [s.path for s in report.skipped] == [str(corpus / "说明.doc")]
    assert calls[-1][:2] == (2, 2)
    assert ensure_corpus_indexed(kb=kb) is None


def test_retrieval_eval_cases_match_the_corpus(kb):
    from assistant.evals.retrieval import load_cases

    cases = load_cases()
    assert len(cases) >= 30
    assert {c.grain for c in cases} == {"project", "indicator"}
    docs = kb.documents()
    known = {(p.name, None) for d in docs for p in d.projects}
    known |= {(p.name, i.level3) for d in docs for p in d.projects for i in p.indicators}
    missing = [(c.id, e.label()) for c in cases for e in c.expected if (e.project, e.level3) not in known]
    assert missing == []


def test_hybrid_recall_at_3(kb):
    from assistant.evals.retrieval import evaluate_retrieval, load_cases

    metrics = evaluate_retrieval(kb, load_cases(), "hybrid")
    assert metrics.recall_at_3 >= 0.9, [f.reason for f in metrics.failures()]
    assert metrics.mrr >= 0.85 and metrics.mode == "hybrid"


def test_score_case_names_what_is_missing():
    from assistant.evals.retrieval import RetrievalCase, score_case

    case = RetrievalCase.model_validate(
        {
            "id": "x",
            "query": "q",
            "grain": "indicator",
            "expected": [{"project": "甲", "level3": "面积"}, {"project": "乙", "level3": "数量"}],
        }
    )
    result = score_case(case, [("丙", "面积"), ("甲", "面积"), ("丁", "x"), ("乙", "数量")])
    assert (result.recall_at_3, result.reciprocal_rank, result.passed) == (0.5, 0.5, False)
    assert "乙 / 数量" in result.reason


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("cases:\n  - id: a\n    query: q\n    expected: [{project: 甲}]\n    typo: 1\n", "typo"),
        ("cases:\n  - id: a\n    query: q\n    grain: indicator\n    expected: [{project: 甲}]\n", "level3"),
        (
            "cases:\n  - id: a\n    query: q\n    expected: [{project: 甲}]\n" * 1
            + "  - id: a\n    query: r\n    expected: [{project: 乙}]\n",
            "重复",
        ),
        ("cases: [", "不是合法的 YAML"),
    ],
)
def test_eval_cases_load_strictly(tmp_path, body, message):
    from assistant.evals.retrieval import load_cases

    path = tmp_path / "retrieval.yaml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(InputError, match=message):
        load_cases(path)


def test_ingest_progress_moves_within_a_file(seed_path):
    from assistant.kb.index import KnowledgeBase

    seen: list[float] = []
    KnowledgeBase().ingest([seed_path], progress=lambda done, total, name: seen.append(done / total))
    assert seen[0] == 0 and seen[-1] == 1
    assert any(0 < x < 1 for x in seen)  # the bar moves while one file is embedded
    assert seen == sorted(seen)
