"""The page script `streamlit run app.py` serves (and AppTest drives): page setup, navigation, the
sidebar, then the chosen page. Pages (views/*.py) hold layout only; logic lives in `assistant/`."""

import logging
from pathlib import Path

import streamlit as st

from assistant.ui import chrome, components, draft_state, state

st.set_page_config(page_title="绩效目标助手", page_icon="📋", layout="wide")
chrome.apply()

PAGES = Path(__file__).resolve().parent / "views"  # not "pages/": Streamlit would list that folder itself
page = st.navigation(
    [
        st.Page(PAGES / "home.py", title="首页", icon=":material/home:", default=True),
        st.Page(PAGES / "draft.py", title="起草", icon=":material/edit_note:", url_path="draft"),
        st.Page(PAGES / "review.py", title="审核", icon=":material/fact_check:", url_path="review"),
        st.Page(PAGES / "chat.py", title="问答", icon=":material/forum:", url_path="chat"),
        st.Page(PAGES / "corpus.py", title="知识库", icon=":material/library_books:", url_path="corpus"),
        st.Page(PAGES / "evals.py", title="评测", icon=":material/monitoring:", url_path="evals"),
    ]
)
if saved_draft := state.restore_workspace().get("draft"):  # a new session: this browser's work again
    draft_state.open_saved(saved_draft)
components.sidebar()
try:
    page.run()
except Exception as e:
    logging.getLogger("app").exception("page failed")
    components.show_error(e, "页面运行")
