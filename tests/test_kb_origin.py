"""Documents in the knowledge base are keyed by origin and content, never by file name alone; a first
ingest that was cut short is completed on the next start; a broken embeddings endpoint is a clear
message."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assistant.cli import app
from assistant.errors import LLMError
from assistant.kb.embeddings import Embedder, EmbeddingCache
from assistant.kb.index import KnowledgeBase, ensure_corpus_indexed
from assistant.settings import Settings, get_settings

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "corpus" / "卢龙县自然资源和规划局2024年部门预算绩效文本（草案）.txt"
NAME = "绩效文本.txt"


def make_kb(tmp_path: Path, **kw) -> KnowledgeBase:
    s = get_settings()
    settings = Settings(data_dir=tmp_path / "data", cache_dir_override=s.cache_dir, **kw)
    return KnowledgeBase(settings, embedder=Embedder(settings, cache=EmbeddingCache(s.cache_dir / "embeddings.sqlite")))


@pytest.fixture
def two_offices(tmp_path) -> tuple[Path, Path]:
    """Two folders, each with a 绩效文本.txt: the seed, and another document (one budget differs)."""
    a, b = tmp_path / "自然资源局", tmp_path / "林业局"
    a.mkdir()
    b.mkdir()
    shutil.copy(SEED, a / NAME)
    text = SEED.read_text(encoding="utf-8")
    assert "31.98" in text
    (b / NAME).write_text(text.replace("31.98", "35.00"), encoding="utf-8")
    return a / NAME, b / NAME


def test_two_files_with_the_same_name_are_two_documents(tmp_path, two_offices):
    kb = make_kb(tmp_path)
    first, second = two_offices
    r1 = kb.ingest([first.parent])
    r2 = kb.ingest([second.parent])
    assert r2.removed == 0 and r1.items[0].status == r2.items[0].status == "new"
    docs = kb.documents()
    assert [d.source_file for d in docs] == [NAME, NAME]
    assert {d.origin for d in docs} == {str(first.resolve()), str(second.resolve())}
    assert len({r.doc_id for r in (*r1.items, *r2.items)}) == 2
    # both are searchable: a query finds rows of each, told apart by their origin
    hits = kb.search("造林补贴 森林抚育", k=10, grain="project")
    assert {h.metadata["origin"] for h in hits} == {d.origin for d in docs}
    # the summary says which is which
    assert "林业局" in r2.summary() and "新入库" in r2.summary()


def test_reingest_replaces_itself_only(tmp_path, two_offices):
    kb = make_kb(tmp_path)
    first, second = two_offices
    kb.ingest([first, second])
    count = kb.count()
    again = kb.ingest([second])
    assert (again.added, again.removed, again.items[0].status) == (0, 0, "unchanged")
    # the same file, changed: it replaces itself; the other office's document is untouched
    second.write_text(second.read_text(encoding="utf-8").replace("造林", "营造林", 1), encoding="utf-8")
    changed = kb.ingest([second])
    assert changed.items[0].status == "updated" and changed.items[0].doc_id == again.items[0].doc_id
    assert kb.count() == count - changed.removed + changed.added and len(kb.documents()) == 2
    # the same content copied into a third folder is the same document, not a third one
    third = tmp_path / "备份"
    third.mkdir()
    shutil.copy(first, third / NAME)
    copy = kb.ingest([third])
    assert copy.items[0].status == "same_content" and copy.added == 0 and len(kb.documents()) == 2
    assert "内容相同" in copy.summary()


def test_remove_by_name_asks_which_when_two_share_it(tmp_path, two_offices):
    from assistant.errors import InputError

    kb = make_kb(tmp_path)
    kb.ingest(list(two_offices))
    with pytest.raises(InputError, match="2 份名为"):
        kb.remove(NAME)
    removed = kb.remove(str(two_offices[1].resolve()))
    assert removed > 0 and [d.origin for d in kb.documents()] == [str(two_offices[0].resolve())]


def test_cli_ingest_shows_which_is_which(tmp_path, two_offices, monkeypatch):
    monkeypatch.setenv("JIXIAO_DATA_DIR", str(tmp_path / "cli-data"))
    get_settings.cache_clear()
    r = CliRunner().invoke(app, ["ingest", str(two_offices[0].parent), str(two_offices[1].parent)])
    assert r.exit_code == 0, r.output
    assert "文档 2 份" in r.stdout and "删除过期 0 条" in r.stdout
    assert str(two_offices[0].parent.resolve()) in r.stdout and str(two_offices[1].parent.resolve()) in r.stdout


def test_a_store_keyed_by_file_name_is_adopted_not_doubled(tmp_path, seed_doc):
    """Stores written when the file name was the key: re-ingesting the same file re-keys it."""
    kb = make_kb(tmp_path)
    seed_doc.source_file = SEED.name
    legacy = kb.store(seed_doc, origin="")  # written without an origin: keyed by content
    kb.docs.delete(legacy.doc_id)
    from assistant.kb.records import doc_id_for

    kb.docs.save(doc_id_for(SEED.name), seed_doc)  # as the old code did: the name is the id
    report = kb.ingest([SEED])
    assert report.items[0].status == "new" and len(kb.documents()) == 1
    assert kb.documents()[0].origin == str(SEED.resolve())


def test_interrupted_first_ingest_is_completed_on_the_next_start(tmp_path, monkeypatch):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name in ("甲.txt", "乙.txt"):
        shutil.copy(SEED, corpus / name)
    (corpus / "乙.txt").write_text(SEED.read_text(encoding="utf-8").replace("造林", "营造林"), encoding="utf-8")
    kb = make_kb(tmp_path, corpus_dir=corpus)

    class Killed(Exception):
        pass

    def kill_in_second_file(done, total, name):
        if 1.3 < done < 2:  # half-way through embedding the second file
            raise Killed

    with pytest.raises(Killed):
        ensure_corpus_indexed(kill_in_second_file, kb=kb)
    partial = kb.count()
    assert 142 <= partial < 284 and len(kb.documents()) == 1

    report = ensure_corpus_indexed(kb=kb)  # the next start
    assert report is not None and report.added == 284 - partial
    assert kb.count() == 284 and len(kb.documents()) == 2
    assert ensure_corpus_indexed(kb=kb) is None  # complete: later starts do nothing
    kb.remove(kb.documents()[1].source_file)
    assert ensure_corpus_indexed(kb=kb) is None and len(kb.documents()) == 1  # a removal is respected


def test_embeddings_endpoint_returning_html_is_a_clear_message(fake_openai, monkeypatch, tmp_path):
    import fake_openai as module

    def login_page(handler, body):
        handler._send_json(200, None, {"Content-Type": "text/html"}, raw="<html><body>请登录</body></html>")

    monkeypatch.setattr(module._Handler, "_embeddings", login_page)
    monkeypatch.setenv("JIXIAO_EMBED_BASE_URL", fake_openai.url)
    monkeypatch.setenv("JIXIAO_EMBED_MODEL", "fake-embed")
    get_settings.cache_clear()
    embedder = Embedder(get_settings(), cache=EmbeddingCache(tmp_path / "e.sqlite"))
    with pytest.raises(LLMError, match="向量服务") as caught:
        embedder.embed_passages(["造林补贴"])
    assert "JIXIAO_EMBED_BASE_URL" in str(caught.value)

    r = CliRunner().invoke(app, ["search", "造林补贴"])
    assert r.exit_code == 2 and "向量服务" in r.stderr and "Traceback" not in r.output


def test_a_look_alike_is_not_ingested(tmp_path):
    """An evaluation sheet has no targets to draft from: it is refused with a Chinese reason."""
    from pathlib import Path

    import pytest

    from assistant.errors import InputError
    from assistant.kb.index import KnowledgeBase
    from assistant.readers import read_document
    from assistant.settings import Settings

    sheet = Path(__file__).resolve().parent / "shapes" / "not_a_target_table.txt"
    doc = read_document(sheet)
    assert doc.kind == "other"
    kb = KnowledgeBase(Settings(data_dir=tmp_path / "data"))
    with pytest.raises(InputError, match="不是预算绩效目标表"):
        kb.ingest_document(doc)
    assert kb.documents() == []
