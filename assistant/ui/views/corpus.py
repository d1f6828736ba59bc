"""知识库: ingest prior-year documents, see what is indexed, search it."""

import hashlib

import pandas as pd
import streamlit as st

from assistant.errors import InputError
from assistant.kb.records import doc_id_for, doc_key, origin_label, upload_origin
from assistant.safetext import inline, plain
from assistant.ui import components
from assistant.ui.documents import parse_upload

st.header("知识库")
st.caption("往年的部门预算绩效文本入库后，起草时作为参考，问答和检索时可以引用。")
kb = components.knowledge_base()
if kb is None:
    components.loading_notice()
    st.stop()

INGESTING = "ingest_current"  # (file, its store key, was it stored before) while written; a cancel leaves it set
if (cut := st.session_state.pop(INGESTING, None)) is not None:
    name, key, existed = cut
    if not existed:
        kb.remove(key)  # its partial records; the files before it stay
    st.info(f"已取消入库：「{inline(name)}」没有入库完成，之前的文件已入库。需要时重新上传该文件即可。")

with st.form("ingest_form", clear_on_submit=True):
    files = components.uploader("上传往年绩效文本（可多选）", "ingest_files", multiple=True)
    go = st.form_submit_button("入库", type="primary")
if go:
    if not files:
        st.warning("请先选择文件。")
    stop_slot = st.empty()
    if files:
        stop_slot.button("取消入库", key="ingest_cancel")  # a click reruns the page, ending this run
    bar = st.progress(0.0, text="准备入库…") if files else None
    added = 0
    for n, up in enumerate(files or []):
        name = up.name
        bar.progress(n / len(files), text=f"正在读取「{inline(name)}」（{n + 1}/{len(files)}）")
        try:
            doc = parse_upload(up.getvalue(), name)

            def step(done, total, n=n, name=name):
                bar.progress(
                    (n + done / max(total, 1)) / len(files),
                    text=f"正在入库「{inline(name)}」：{done}/{total} 条",
                )

            # an upload has no path: its content identifies it (the same name from two offices is two documents)
            sha = hashlib.sha256(up.getvalue()).hexdigest()
            key = doc_id_for(upload_origin(sha))
            existed = any(doc_key(d) == key for d in kb.documents())
            st.session_state[INGESTING] = (name, key, existed)
            kb.ingest_document(doc, on_batch=step, content_sha=sha)
            st.session_state.pop(INGESTING, None)
            added += 1
            st.success(
                f"已入库「{inline(name)}」：{len(doc.projects)} 个项目，{sum(len(p.indicators) for p in doc.projects)} 行指标。"
            )
        except InputError as e:
            st.error(plain(str(e)))
        except Exception as e:  # noqa: BLE001
            components.show_error(e, f"入库「{name}」")
    stop_slot.empty()
    if bar is not None:
        bar.progress(1.0, text=f"入库完成：{added}/{len(files)} 个文件")

docs = kb.documents()
c1, c2, c3 = st.columns(3)
c1.metric("文档", len(docs))
c2.metric("项目", kb.count("project"))
c3.metric("指标行", kb.count("indicator"))

if docs:
    table = pd.DataFrame(
        [
            {
                "文档": d.title or d.source_file,
                "部门": d.department,
                "年度": d.budget_year,
                "项目数": len(d.projects),
                "指标行数": sum(len(p.indicators) for p in d.projects),
                "预算合计（万元）": d.total_budget(),
                "来源文件": d.source_file,
                "来源位置": origin_label(d.origin),
            }
            for d in docs
        ]
    ).astype({"年度": "Int64"})
    st.dataframe(table, hide_index=True, width="stretch")
    with st.expander("移除文档"):
        labels = {doc_key(d): f"{d.source_file}（{origin_label(d.origin) or '知识库'}）" for d in docs}
        gone = st.selectbox(
            "选择要移除的文档",
            list(labels),
            format_func=labels.get,
            index=None,
            key="corpus_remove_choice",
            placeholder="请选择",
        )
        if gone and st.button("从知识库移除", key="corpus_remove"):
            n = kb.remove(gone)
            st.success(f"已移除「{inline(labels[gone])}」（{n} 条记录）。")
            st.rerun()
else:
    st.info("知识库还是空的：请上传往年的绩效文本。")

st.subheader("检索")
st.caption("结果按相关程度排列，最相关的在最前。")
q1, q2, q3 = st.columns([4, 2, 1])
query = q1.text_input("检索内容", placeholder="例如：造林补贴 提高森林覆盖率", key="corpus_query")
grain = q2.radio(
    "检索对象",
    ["project", "indicator"],
    format_func={"project": "项目", "indicator": "指标行"}.get,
    key="corpus_grain",
    horizontal=True,
)
k = q3.number_input("条数", min_value=1, max_value=50, value=5, key="corpus_k")
if query.strip():
    try:
        hits = kb.search(query, k=int(k), grain=grain)
    except Exception as e:  # noqa: BLE001
        components.show_error(e, "检索")
        hits = []
    if not hits:
        st.info("未找到相关结果。")
    for n, h in enumerate(hits, 1):  # best first; the fused score itself means nothing to a reader
        head = h.project if h.grain == "project" else f"{h.project} / {h.metadata.get('level3', '')}"
        with st.container(border=True):
            st.markdown(f"**{n}. {inline(head)}**")
            st.caption("出处：" + inline(h.location.label() or h.document))
            st.text(h.text[:600])

st.subheader("指标库")
st.caption("各领域县级部门常设的三级指标及其常见写法（起草时在往年参考不足时使用，审核时作为常见做法的参照）。")
from assistant.library import entries_for, library, search  # noqa: E402

sectors = {s.id: s.sector for s in library()}
l1, l2 = st.columns([2, 4])
sector_id = l1.selectbox("领域", ["", *sectors], format_func=lambda s: sectors.get(s, "全部领域"), key="lib_sector")
lib_query = l2.text_input("按指标名称或用途查找", placeholder="例如：成活率、补助标准、降尘", key="lib_query")
if lib_query.strip():
    rows = [e for e, _ in search(lib_query, limit=50, sector_id=sector_id or None)]
else:
    rows = entries_for(sector_id) if sector_id else []
if rows:
    st.dataframe(
        pd.DataFrame(
            [
                {"领域": sectors.get(e.sector, e.sector), "一级指标": e.l1, "二级指标": e.l2, "三级指标": e.name,
                 "常见指标值": e.value.replace("{budget}", "预算数"), "确定依据": e.basis, "指标描述": e.description}
                for e in rows
            ]
        ),
        hide_index=True,
        width="stretch",
    )
elif lib_query.strip():
    st.info("指标库中没有相近的指标。")
else:
    st.caption(f"共 {len(sectors)} 个领域、{sum(len(s.entries) for s in library())} 条指标：选择领域或输入关键词查看。")
