"""审核: review an uploaded or ingested 绩效文本; filter findings; see flagged cells and the
department-goal map; download the findings."""

import re

import streamlit as st

from assistant.models import CATEGORY_LABELS, SEVERITY_LABELS
from assistant.ui import components, resources, services, state
from assistant.ui import findings as fx


def md(text: str) -> str:
    """Source text shown as Markdown literally (*** and [ ] appear in real tables)."""
    return re.sub(r"([\\`*_\[\]#<>|~$])", r"\\\1", text or "")


st.header("审核绩效文本")
st.caption(
    "按规则逐项检查：占位/涉密、指标值缺失或模糊、单位、成本与预算、过期时间、照抄、归类、目标与指标对应、支出计划、与部门整体目标的一致性。"
)

kb = components.knowledge_base()
opened = components.document_picker("review", kb)
if opened is None:
    st.stop()
doc = opened.doc
settings = state.session_settings()

c1, c2 = st.columns([3, 1])
use_llm = False
if settings.llm_enabled:
    use_llm = c1.checkbox("同时请大模型复核（较慢）", key="review_use_llm")
rerun = c2.button("重新审核")
result_key = f"{opened.key}|llm" if use_llm else opened.key
result = state.review_result(result_key)
if result is None or rerun:
    with st.spinner("正在审核…"):
        try:
            result = services.run_review(
                doc,
                settings,
                source_text=opened.source_text,
                embedder=services.optional(resources.embedder),
                kb=kb,
                use_llm=use_llm,
            )
            state.set_review_result(result_key, result)
        except Exception as e:  # noqa: BLE001
            components.show_error(e, "审核")
            st.stop()

for w in doc.warnings:
    st.warning(f"读取提示：{w}")
for n in result.notices:
    st.info(n)

all_findings = result.findings
sev = fx.severity_counts(all_findings)
m = st.columns(4)
m[0].metric("问题总数", len(all_findings))
for col, (s, label) in zip(m[1:], SEVERITY_LABELS.items()):
    col.metric(label, sev[s])
if all_findings:
    counts = fx.count_frame(all_findings, fx.SHORT_LABELS)
    st.bar_chart(
        counts,
        horizontal=True,
        stack=True,
        sort=False,
        color=["#d9534f", "#f0ad4e", "#5bc0de"],
        x_label="",
        y_label="条数",
        height=26 * len(counts) + 90,
    )
else:
    st.success("未发现问题。")

f1, f2, f3 = st.columns([2, 2, 1])
projects = f1.multiselect(
    "项目", fx.project_options(doc), key="review_filter_projects", placeholder="全部项目"
)
categories = f2.multiselect(
    "问题类别",
    list(CATEGORY_LABELS),
    format_func=CATEGORY_LABELS.get,
    key="review_filter_categories",
    placeholder="全部类别",
)
severities = f3.multiselect(
    "严重程度",
    list(SEVERITY_LABELS),
    format_func=SEVERITY_LABELS.get,
    key="review_filter_severities",
    placeholder="全部",
)
shown = fx.filter_findings(all_findings, projects, categories, severities)

d1, d2, _ = st.columns([1, 1, 2])
stem = (doc.title or doc.source_file or "绩效文本")[:40]
try:
    d1.download_button(
        f"下载审核意见 .xlsx（{len(shown)} 条）",
        fx.export_xlsx(result, shown),
        f"{stem}审核意见.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        on_click="ignore",
    )
    d2.download_button(
        f"下载审核意见 Markdown（{len(shown)} 条）",
        fx.export_markdown(result, shown),
        f"{stem}审核意见.md",
        mime="text/markdown",
        on_click="ignore",
    )
except Exception as e:  # noqa: BLE001
    components.show_error(e, "生成审核意见文件")

tab_list, tab_table, tab_goals = st.tabs(
    [f"问题清单（{len(shown)}）", "指标表（标出问题单元格）", "部门目标对应"]
)

with tab_list:
    if not shown:
        st.info("当前筛选条件下没有问题。")
    for f in shown[:300]:
        with st.container(border=True):
            where = fx.location_label(f) + (f"「{f.indicator}」" if f.indicator else "")
            project = fx.finding_project(f)
            st.markdown(
                f"{fx.SEVERITY_BADGES[f.severity]} **{CATEGORY_LABELS[f.category]}**"
                f" · {md(project)} · {md(where)}" + (" · 大模型" if f.source == "llm" else "")
            )
            st.markdown(md(f.message))
            if f.evidence:
                st.markdown(f"原文：「{md(f.evidence)}」")
            st.markdown(f"建议：{md(f.suggestion)}")
    if len(shown) > 300:
        st.caption(f"只显示前 300 条，共 {len(shown)} 条；全部问题请下载 .xlsx。")

with tab_table:
    tables = sorted({int(p.split()[0][1:]) for p in projects if p.startswith("表")}) or None
    only_flagged = st.checkbox("只显示有问题的行", key="review_only_flagged")
    frame, colours = fx.indicator_frame(doc, shown, tables)
    if only_flagged:
        keep = frame["标记"] != ""
        frame, colours = frame[keep], colours[keep]
    st.caption(
        "有问题的单元格按严重程度着色（:red[■] 错误　:orange[■] 警告　:blue[■] 提示），「标记」列写明问题类别。"
    )
    narrow = {c: st.column_config.TextColumn(c, width="small") for c in ("一级指标", "二级指标")}
    st.dataframe(
        frame.style.apply(lambda _: colours, axis=None),
        hide_index=True,
        width="stretch",
        height=520,
        column_config={
            "表": st.column_config.NumberColumn("表", width=40),
            "行": st.column_config.NumberColumn("行", width=40),
            "项目": st.column_config.TextColumn("项目", width=140),
            **narrow,
            "标记": st.column_config.TextColumn("标记", width="medium"),
        },
    )

with tab_goals:
    gm = result.goal_map
    if gm is None or not gm.areas:
        st.info("该文档没有识别到部门分项绩效目标，无法对应。")
    else:
        st.caption(
            "哪些项目支撑哪个分项绩效目标；没有项目安排资金的目标和未对应任何目标的项目需要说明。"
            + ("（关键词＋语义相似度）" if gm.method != "keywords" else "（关键词）")
        )
        st.markdown("**分项绩效目标**")
        st.dataframe(fx.goal_area_frame(gm), hide_index=True, width="stretch")
        st.markdown("**项目对应情况**")
        st.dataframe(fx.project_goal_frame(gm), hide_index=True, width="stretch")
        for f in [f for f in all_findings if f.category == "dept_misalignment"]:
            st.warning(f"{f.message}　建议：{f.suggestion}")
