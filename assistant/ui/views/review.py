"""审核: review an uploaded or ingested 绩效文本 with progress and a 取消 button; filter findings; see
flagged cells and the department-goal map; download the findings."""

import streamlit as st

from assistant.models import CATEGORY_LABELS, SEVERITY_LABELS
from assistant.safetext import inline, plain
from assistant.ui import components, resources, services, state
from assistant.ui import findings as fx

# A review reads every project with the embedding model (about 20 ms each here) and runs the rules: past
# this many tables a document is refused up front instead of keeping a core busy for many minutes.
MAX_PROJECTS = 5000
CANCELLED = "review_cancelled"  # result keys whose review the user stopped

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
cancelled: set = st.session_state.setdefault(CANCELLED, set())
if rerun:
    cancelled.discard(result_key)
result = None if rerun else state.review_result(result_key)
if result is None:
    if result_key in cancelled:
        st.info("审核已取消。需要时点「重新审核」。")
        st.stop()
    if len(doc.projects) > MAX_PROJECTS:
        rows = sum(len(p.indicators) for p in doc.projects)
        st.error(
            f"这份文档有 {len(doc.projects)} 张绩效目标表、{rows} 行指标，超过一次审核的上限 {MAX_PROJECTS} 张"
            f"（按本机速度约需 {len(doc.projects) * 0.03 / 60:.0f} 分钟）。请按预算单位拆分成几个文件后分别上传审核。"
        )
        st.stop()
    stop_slot = st.empty()
    stop_slot.button("取消审核", key="review_cancel", on_click=lambda: cancelled.add(result_key))
    bar = st.progress(0.0, text="正在审核…")

    def step(done: int, total: int, what: str) -> None:
        # Each call is also where Streamlit stops this run when the user cancels, leaves the page or
        # picks another document; a closed tab is checked here.
        if services.browser_gone():
            st.stop()
        bar.progress(done / total if total else 0.0, text=f"正在审核：{what}")

    try:
        result = services.run_review(
            doc,
            settings,
            source_text=opened.source_text,
            embedder=services.optional(resources.embedder),
            kb=kb,
            use_llm=use_llm,
            on_step=step,
        )
        state.set_review_result(result_key, result)
    except Exception as e:  # noqa: BLE001
        components.show_error(e, "审核")
        st.stop()
    finally:
        stop_slot.empty()
        bar.empty()

for w in doc.warnings:
    st.warning("读取提示：" + plain(w))
for n in result.notices:
    st.info(plain(state.for_this_session(n)))

all_findings = result.findings
sev = fx.severity_counts(all_findings)
m = st.columns(4)
m[0].metric("问题总数", len(all_findings))
for col, (s, label) in zip(m[1:], SEVERITY_LABELS.items()):
    col.metric(label, sev[s])
if all_findings:
    st.altair_chart(fx.count_chart(fx.count_frame(all_findings)), width="stretch")
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
                f" · {inline(project)} · {inline(where)}" + (" · 大模型" if f.source == "llm" else "")
            )
            st.markdown(plain(f.message))
            if f.evidence:
                st.markdown(f"原文：「{inline(f.evidence)}」")
            st.markdown("建议：" + plain(f.suggestion))
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
    text = st.column_config.TextColumn
    st.dataframe(
        frame.style.apply(lambda _: colours, axis=None),
        hide_index=True,
        width="stretch",
        height=min(560, 35 * (len(frame) + 1) + 3),  # as tall as the rows, never empty filler rows
        column_config={
            "表": st.column_config.NumberColumn("表", width=44, pinned=True),
            "行": st.column_config.NumberColumn("行", width=44, pinned=True),
            "三级指标": text("三级指标", width=220, pinned=True),
            "指标值": text("指标值", width=150, pinned=True),
            "标记": text("标记", width=200),
            "绩效指标描述": text("绩效指标描述", width=260),
            "指标值确定依据": text("指标值确定依据", width=180),
            "一级指标": text("一级指标", width=90),
            "二级指标": text("二级指标", width=110),
            "项目": text("项目", width=200),
        },
    )
    st.caption("表格较宽时可左右滚动，「表」「行」「三级指标」「指标值」四列始终显示在左侧。")

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
            st.warning(plain(f"{f.message}　建议：{f.suggestion}"))
