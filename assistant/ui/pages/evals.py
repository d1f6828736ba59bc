"""评测: eval runs under evals/runs/, their scores by suite, and the change against the previous run."""

import streamlit as st

from assistant.ui import components
from assistant.ui import evals as ev

st.header("评测")
st.caption("每次评测运行保存在 evals/runs/<运行名>/，这里按评测集展示分数，并与上一次运行对比。")

try:
    runs = ev.list_runs(ev.RUNS_DIR)
except Exception as e:  # noqa: BLE001
    components.show_error(e, "读取评测记录")
    st.stop()
if not runs:
    st.info("还没有评测运行记录（evals/runs/ 下没有运行文件夹）。运行评测后刷新本页即可看到分数。")
    st.stop()

by_name = {r["name"]: r for r in runs}
names = [r["name"] for r in runs]
choice = st.selectbox(
    "评测运行", names[::-1], format_func=lambda n: ev.run_label(by_name[n]), key="evals_run"
)
idx = names.index(choice)
run = runs[idx]
previous = next((r for r in reversed(runs[:idx]) if not r.get("problem")), None)
if run.get("problem"):
    st.warning(run["problem"])
    st.stop()

try:
    cmp = ev.comparison(run, previous, ev.RUNS_DIR)
except Exception as e:  # noqa: BLE001
    components.show_error(e, "读取评测分数")
    st.stop()

st.subheader(
    "各评测集得分" + (f"（对比上一次：{previous['name']}）" if previous else "（没有更早的运行可对比）")
)
st.dataframe(ev.styled(ev.summary_frame(cmp), previous is not None), hide_index=True, width="stretch")

for suite in cmp["suites"]:
    with st.expander(f"{ev.suite_label(suite)}：全部指标与翻转的用例"):
        flips = ev.flips_frame(cmp, suite)
        if len(flips):
            st.markdown("**结果翻转的用例**")
            st.dataframe(flips, hide_index=True, width="stretch")
        elif previous:
            st.caption("与上一次相比没有用例翻转。")
        st.dataframe(
            ev.styled(ev.metrics_frame(cmp, suite), previous is not None), hide_index=True, width="stretch"
        )

trend = ev.trend_frame([r for r in runs if not r.get("problem")])
if len(trend) > 1 and not trend.empty:
    st.subheader("历次运行得分")
    st.line_chart(trend)
