"""Streamlit entry: 绩效目标助手. Pages (assistant/ui/pages/) hold layout only; logic lives in `assistant/`."""

import logging

import streamlit as st

from assistant.ui import components, resources

st.set_page_config(page_title="绩效目标助手", page_icon=":material/assignment:", layout="wide")

PAGES = "assistant/ui/pages"
pages = [
    st.Page(f"{PAGES}/draft.py", title="起草", icon=":material/edit_note:", url_path="draft", default=True),
    st.Page(f"{PAGES}/review.py", title="审核", icon=":material/fact_check:", url_path="review"),
    st.Page(f"{PAGES}/chat.py", title="问答", icon=":material/forum:", url_path="chat"),
    st.Page(f"{PAGES}/corpus.py", title="知识库", icon=":material/library_books:", url_path="corpus"),
    st.Page(f"{PAGES}/evals.py", title="评测", icon=":material/monitoring:", url_path="evals"),
]
page = st.navigation(pages)

st.sidebar.title("绩效目标助手")
if not resources.corpus_ready():
    # First start: ingest corpus/ so drafting has precedents; the page is usable as soon as it ends.
    bar = st.progress(0.0, text="首次启动：正在把往年资料（corpus/）入库…")

    def step(done: float, total: int, name: str) -> None:
        label = f"首次启动：正在入库「{name}」（{min(int(done) + 1, total)}/{total}）" if name else "首次启动：入库完成"
        bar.progress(done / total if total else 1.0, text=label)

    try:
        report = resources.index_corpus(step)
        if report is not None and report.skipped:
            st.warning(report.summary())
    except Exception as e:  # noqa: BLE001 - drafting still works from templates
        components.show_error(e, "往年资料入库")
    bar.empty()

components.sidebar()
try:
    page.run()
except Exception as e:
    logging.getLogger("app").exception("page failed")
    components.show_error(e, "页面运行")
