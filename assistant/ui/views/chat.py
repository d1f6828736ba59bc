"""问答: questions about one document, answered from its tables with citations to the quoted rows.
Questions, answers and quotes are shown through assistant.safetext: a document's or a model's Markdown
never becomes an image, a link or HTML here."""

import streamlit as st

from assistant.safetext import inline, model_markdown, plain
from assistant.ui import components, conversation, services, state


def show_answer(answer, doc) -> None:
    """An answer's citations (each opens to the quoted row) and notice."""
    for n, c in enumerate(answer.citations, 1):
        with st.expander(conversation.citation_label(n, c, doc)):
            rows = conversation.cited_rows(doc, c)
            if rows is not None:
                st.dataframe(rows, hide_index=True, width="stretch")
            else:
                st.markdown(plain(conversation.department_text(doc, c)))
            if c.document and c.document != doc.source_file:
                st.caption("出处：" + inline(c.document))
    if answer.notice:
        st.caption("提示：" + plain(state.for_this_session(answer.notice)))


st.header("问答")
kb = components.knowledge_base()
opened = components.document_picker("chat", kb)
if opened is None:
    st.stop()
doc = opened.doc
settings = state.session_settings()
history = state.chat_history(opened.key)

top1, top2 = st.columns([4, 1])
top1.caption(
    "就「"
    + inline(doc.title or doc.source_file)
    + "」提问，回答只依据文档内容并标注引用。"
    + (
        "当前为大模型模式，回答逐字显示。"
        if settings.llm_enabled
        else "当前为离线模式：按表格精确查找和计算。"
    )
    + "例如："
    + "、".join(conversation.EXAMPLES)
)
if history and top2.button("清空对话", key="chat_clear"):
    state.clear_chat(opened.key)
    st.rerun()

for a in history:
    with st.chat_message("user"):
        st.markdown(plain(a.question))
    with st.chat_message("assistant"):
        st.markdown(model_markdown(a.text))
        show_answer(a, doc)

if st.session_state.get("chat_stop"):
    st.info("已停止回答。")
question = st.chat_input("请输入问题，例如：项目8的预算是多少？")
if question and question.strip():
    with st.chat_message("user"):
        st.markdown(plain(question))
    with st.chat_message("assistant"):
        review = state.review_result(opened.key)
        try:
            stream = conversation.answer_stream(
                doc,
                question.strip(),
                settings,
                list(history),
                kb=kb,
                findings=review.findings if review else None,
                source_text=opened.source_text,  # 第一部分 citations then carry the text line
            )
            shown, box, stop = "", st.empty(), st.empty()
            stop.button("停止回答", key="chat_stop")  # a click reruns the page, which ends this run

            def waiting(secs: float) -> None:
                if services.browser_gone():
                    st.stop()
                if not shown:
                    box.caption(f"正在回答…（已等待 {secs:.0f} 秒）")

            for chunk in services.pump(stream, waiting):  # a model's Markdown is made safe as it arrives
                shown += chunk
                box.markdown(model_markdown(shown))
            stop.empty()
            answer = stream.answer
            if answer.text != shown:  # the model failed mid-answer: show the offline answer in full
                box.markdown(model_markdown(answer.text))
            show_answer(answer, doc)
            history.append(answer)
            state.save_chat(opened.key)
        except Exception as e:  # noqa: BLE001
            components.show_error(e, "回答问题")
