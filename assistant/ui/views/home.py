"""首页: what the tool does, and this browser's saved work (最近的草稿/文档) to reopen or remove."""

import streamlit as st

from assistant.safetext import inline
from assistant.ui import draft_state, state

st.header("绩效目标助手")
st.caption(
    "起草、审核部门预算绩效目标表，就文本提问并引用原表。本浏览器的草稿、修改、上传的文档和问答记录保存在服务器上，"
    "刷新页面后仍在，其他人看不到。"
)

c = st.columns(4)
c[0].page_link("views/draft.py", label="起草绩效目标表", icon=":material/edit_note:")
c[1].page_link("views/review.py", label="审核绩效文本", icon=":material/fact_check:")
c[2].page_link("views/chat.py", label="就文档提问", icon=":material/forum:")
c[3].page_link("views/corpus.py", label="管理知识库", icon=":material/library_books:")

ws = state.workspace()

st.subheader("最近的草稿")
drafts = ws.drafts()
if not drafts:
    st.caption("还没有草稿：在「起草」页生成后会出现在这里。")
for item in drafts:
    with st.container(border=True):
        a, b, d = st.columns([6, 1, 1], vertical_alignment="center")
        current = "（正在编辑）" if item.id == draft_state.draft_id() else ""
        a.markdown(f"**{inline(item.label)}**{current}  \n保存于 {item.when}")
        if b.button("打开", key=f"home_open_draft_{item.id}"):
            if draft_state.open_saved(item.id):
                st.switch_page("views/draft.py")
            st.error("这份草稿已无法读取，请删除。")
        if d.button("删除", key=f"home_remove_draft_{item.id}"):
            if item.id == draft_state.draft_id():
                draft_state.close()
            ws.remove_draft(item.id)
            st.rerun()

st.subheader("最近的文档")
docs = ws.documents()
if not docs:
    st.caption("还没有上传的文档：在「审核」或「问答」页上传后会出现在这里。")
for item in docs:
    with st.container(border=True):
        a, b, c2, d = st.columns([5, 1, 1, 1], vertical_alignment="center")
        a.markdown(f"**{inline(item.label)}**  \n上传于 {item.when}")
        if b.button("审核", key=f"home_review_{item.id}"):
            state.set_current(item.id)
            st.switch_page("views/review.py")
        if c2.button("问答", key=f"home_chat_{item.id}"):
            state.set_current(item.id)
            st.switch_page("views/chat.py")
        if d.button("删除", key=f"home_remove_doc_{item.id}"):
            state.remove_document(item.id)
            st.rerun()

if drafts or docs:
    with st.expander("删除本浏览器保存的全部内容"):
        st.caption("草稿、上传的文档和问答记录都会删除，无法恢复。知识库不受影响。")
        if st.button("全部删除", key="home_clear_all"):
            draft_state.close()
            for item in docs:
                state.remove_document(item.id)
            ws.clear()
            st.rerun()
