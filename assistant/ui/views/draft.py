"""起草: a project description in, a 绩效目标表 out, editable, re-checkable and downloadable. The draft
and its edits are saved for this browser (首页 lists them); model and knowledge-base text is shown
literally (assistant.safetext)."""

from datetime import date

import streamlit as st

from assistant.models import CATEGORY_LABELS, SEVERITY_LABELS, DraftRequest
from assistant.safetext import inline, plain
from assistant.ui import components, draft_grid, draft_state, resources, services, state
from assistant.ui.draft_grid import ID

st.header("起草绩效目标表")
st.caption(
    "填写项目基本情况，系统参照知识库中往年同类项目起草指标，并按审核规则自查。表格可直接修改，改完点「重新自查」。"
)

last = draft_state.current().request if draft_state.current() else None
with st.form("draft_form"):
    c1, c2 = st.columns([3, 1])
    name = c1.text_input("项目名称", value=last.name if last else "", placeholder="例如：松材线虫病防治经费")
    budget = c2.number_input(
        "预算（万元）", min_value=0.0, value=float(last.budget) if last else 0.0, step=1.0, format="%.2f"
    )
    purpose = st.text_area(
        "资金用途",
        value=last.purpose if last else "",
        height=90,
        placeholder="写清做什么、做多少、何时完成，例如：对全县松林开展监测和除治，完成监测面积5万亩，10月底前完成。",
    )
    c3, c4 = st.columns([1, 3])
    year = c3.number_input(
        "预算年度",
        min_value=2000,
        max_value=2100,
        value=int(last.year) if last else date.today().year + 1,
        step=1,
    )
    unit = c4.text_input(
        "预算单位", value=last.unit_name if last else "", placeholder="例如：卢龙县自然资源和规划局本级"
    )
    submitted = st.form_submit_button("生成草稿", type="primary")

if st.session_state.get("draft_cancel"):
    st.info("已停止起草；表单内容还在，可以修改后重新生成。")
if submitted:
    if not name.strip():
        st.error("请填写项目名称。")
    elif budget <= 0:
        st.error("预算数必须大于 0（单位：万元）。")
    else:
        req = DraftRequest(
            name=name.strip(),
            budget=round(budget, 2),
            purpose=purpose.strip(),
            year=int(year),
            unit_name=unit.strip(),
        )
        settings = state.session_settings()
        stop_slot = st.empty()
        stop_slot.button("停止起草", key="draft_cancel")  # a click reruns the page, which ends this run
        with st.status("正在起草…", expanded=True) as status:

            def tick(secs: float) -> None:
                if services.browser_gone():
                    st.stop()
                status.update(label=f"正在起草…（已用 {secs:.0f} 秒）")

            try:
                status.write("检索知识库中的往年同类项目…")
                kb = components.knowledge_base()
                if kb is None:
                    status.write("知识库仍在载入，本次按通用指标起草。")
                status.write(
                    "请大模型起草并按审核规则自查…" if settings.llm_enabled else "组织指标并按审核规则自查…"
                )
                embedder = resources.embedder()
                d = services.in_background(lambda: services.run_draft(req, kb, settings, embedder=embedder), tick)
                draft_state.set_draft(draft_grid.recheck(d), new=True)
                status.update(label="起草完成", state="complete", expanded=False)
            except Exception as e:  # noqa: BLE001 - the previous draft and its edits stay
                status.update(label="起草失败", state="error", expanded=True)
                components.show_error(e, "起草")
        stop_slot.empty()

d = draft_state.current()
if d is None:
    st.info("填写上方表单并点击「生成草稿」。")
    st.stop()
key = draft_state.restore_edits()  # after a visit to another page, the edits come back

p = d.project
st.subheader(inline(p.name))
m1, m2, m3 = st.columns(3)
m1.metric("预算数（万元）", f"{p.budget:g}")
m2.metric("起草引擎", "大模型" if d.engine == "llm" else "离线")
m3.metric("指标行数", len(draft_state.edited_rows()))
if warning := draft_grid.name_year_warning(p.name, d.request.year):
    st.warning(plain(warning))
if not p.unit_name.strip():
    st.caption("未填写预算单位：下载的表格中「预算单位」一栏为空，可在 Word/Excel 中补上，或填写后重新生成。")
for note in d.notes:
    st.info(plain(state.for_this_session(note)))
with st.expander("绩效目标与资金支出计划", expanded=False):
    st.markdown("**绩效目标**\n\n" + plain(p.goal))
    st.markdown(
        "**资金支出计划（累计%）**："
        + inline(" / ".join(f"{m}：{v}" for m, v in zip(("3月", "6月", "10月", "12月"), p.spending_plan.raw)))
    )

by_row = draft_grid.row_findings(d.findings)
for f in by_row.get(0, []):
    st.warning(
        f"{SEVERITY_LABELS[f.severity]}·{CATEGORY_LABELS[f.category]}：" + plain(f"{f.message} 建议：{f.suggestion}")
    )

level1, level2 = draft_grid.category_options(draft_state.base_rows())
base = draft_state.base_rows()
colours = draft_grid.marker_colours(base, d.findings)
st.caption("「自查」列紧挨指标值，标出每行有问题的单元格（按严重程度着色）；展开下方各行可看意见和修改建议。")
edited = st.data_editor(
    # Styles apply to read-only columns only: the 自查 cell beside the row carries the marking.
    draft_grid.grid_frame(base).style.apply(lambda _: colours, subset=["自查"], axis=0),
    key=key,
    num_rows="dynamic",
    hide_index=True,
    width="stretch",
    column_order=["三级指标", "指标值", "自查", "绩效指标描述", "指标值确定依据", "一级指标", "二级指标", "置信度", "参考往年"],
    column_config={
        ID: None,
        "一级指标": st.column_config.SelectboxColumn("一级指标", options=level1, required=True, width=100),
        "二级指标": st.column_config.SelectboxColumn("二级指标", options=level2, required=True, width=130),
        "三级指标": st.column_config.TextColumn("三级指标", required=True, width=200, pinned=True),
        "指标值": st.column_config.TextColumn("指标值", width=130, pinned=True),
        "自查": st.column_config.TextColumn("自查", help="上次自查对该行提出的问题", width=220),
        "绩效指标描述": st.column_config.TextColumn("绩效指标描述", width=240),
        "指标值确定依据": st.column_config.TextColumn("指标值确定依据", width=150),
        "置信度": st.column_config.ProgressColumn(
            "置信度", min_value=0.0, max_value=1.0, format="%.2f", width=90
        ),
        "参考往年": st.column_config.TextColumn("参考往年", width="large"),
    },
    disabled=["置信度", "参考往年", "自查"],
)
draft_state.save_edits(draft_grid.frame_rows(edited))
current = draft_grid.apply_grid(d, draft_state.edited_rows())

if draft_state.is_edited():
    st.caption("表格已修改，自查结果可能已过期：点「重新自查」按修改后的表格重新检查。")
if st.button("重新自查", type="primary"):
    try:
        checked = draft_grid.recheck(current)
        proposal = draft_grid.auto_fixed(checked)
        draft_state.set_draft(checked)
        draft_state.set_fixes(proposal)
        st.rerun()
    except Exception as e:  # noqa: BLE001 - the edits stay in the table
        components.show_error(e, "自查")

fixes = draft_state.fixes()
if fixes and fixes[1]:
    fixed, changes = fixes
    with st.expander(f"自查建议自动修正 {len(changes)} 处", expanded=True):
        for c in changes:
            st.markdown("- " + inline(c))
        if st.button("采用自动修正"):
            draft_state.set_draft(fixed)
            st.rerun()
elif fixes is not None:
    st.success(
        "自查完成："
        + (f"还有 {len(d.findings)} 条提示，见各行「自查」列。" if d.findings else "未发现问题。")
    )

st.markdown("#### 逐行参考与自查意见")
for n, row in enumerate(draft_state.base_rows(), 1):
    rid = row.get(ID)
    found = by_row.get(rid + 1, []) if rid is not None else []  # findings number the draft's own rows
    flag = f" ⚠ {len(found)} 条意见" if found else ""
    with st.expander(inline(f"第{n}行 · {row['二级指标']} · {row['三级指标']}{flag}")):
        for f in found:
            st.warning(f"{CATEGORY_LABELS[f.category]}：" + plain(f"{f.message}\n\n建议：{f.suggestion}"))
        if rid is None or rid >= len(d.rows):
            st.caption("人工添加的行，没有往年参考。")
            continue
        r = d.rows[rid]
        st.caption(f"置信度 {r.confidence:.2f}；" + inline(r.note or "—"))
        if not r.precedents:
            st.caption("没有往年参考：采用通用指标。")
        for prec in r.precedents:
            st.markdown(
                f"- **{inline(prec.project)}** ·「{inline(prec.level3)}」指标值：{inline(prec.value_raw or '（空）')}"
                f"  \n  出处：{inline(prec.location.label() or prec.document)}"
            )

st.markdown("#### 下载")
try:
    files = draft_grid.draft_files(current)
except Exception as e:  # noqa: BLE001
    components.show_error(e, "生成下载文件")
else:
    stem = p.name[:40]
    c1, c2, c3 = st.columns(3)
    c1.download_button(
        "下载 Word（.docx）",
        files["docx"],
        f"{stem}绩效目标表.docx",
        on_click="ignore",
        mime="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    c2.download_button(
        "下载 Excel（.xlsx）",
        files["xlsx"],
        f"{stem}绩效目标表.xlsx",
        on_click="ignore",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    c3.download_button(
        "下载 JSON", files["json"], f"{stem}绩效目标表.json", mime="application/json", on_click="ignore"
    )
