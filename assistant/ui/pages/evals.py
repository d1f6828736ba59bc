"""评测: eval runs under evals/runs/, their scores by suite, and the change against the previous run."""

import streamlit as st

from assistant.ui import evals as ev

st.header("评测")
st.caption("每次评测运行保存在 evals/runs/<运行名>/，这里按评测集展示分数，并与上一次运行对比。")

runs = ev.list_runs(ev.RUNS_DIR)
if not runs:
    st.info("还没有评测运行记录（evals/runs/ 下没有运行文件夹）。运行评测后刷新本页即可看到分数。")
    st.stop()

names = [r.name for r in runs]
choice = st.selectbox("评测运行", names[::-1], key="evals_run")
idx = names.index(choice)
run, previous = runs[idx], (runs[idx - 1] if idx > 0 else None)
st.caption(f"运行时间：{run.when:%Y-%m-%d %H:%M}　目录：{run.path}")
if run.meta:
    st.json(run.meta, expanded=False)
if run.problem:
    st.warning(run.problem)
else:
    st.subheader(
        "各评测集分数" + (f"（对比上次：{previous.name}）" if previous else "（没有更早的运行可对比）")
    )
    st.dataframe(ev.comparison_frame(run, previous), hide_index=True, width="stretch")

overview = ev.suite_overview(runs)
if len(overview) > 1 and not overview.empty:
    st.subheader("历次运行")
    st.line_chart(overview)
