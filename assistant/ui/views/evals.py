"""评测: eval runs under evals/runs/, their scores by suite, and the change against the previous run."""

import streamlit as st

from assistant.safetext import inline, plain
from assistant.ui import components
from assistant.ui import evals as ev

st.header("评测")
st.caption(
    "评测用固定的用例检查审核、起草、问答和检索的质量：每次运行得到各评测集的分数（0 到 1，越高越好），"
    "这里与上一次运行对比，并说明哪些用例的结果变了、为什么。运行记录保存在 evals/runs/ 文件夹。"
)

try:
    runs = ev.list_runs(ev.RUNS_DIR)
except Exception as e:  # noqa: BLE001
    components.show_error(e, "读取评测记录")
    st.stop()
if not runs:
    st.info("还没有评测运行记录（evals/runs/ 下没有运行文件夹）。运行评测后刷新本页即可看到分数。")
    st.stop()

runs = sorted(runs, key=lambda r: (r.get("created") or "", r["name"]))  # time order, oldest first
by_name = {r["name"]: r for r in runs}
names = [r["name"] for r in runs]
choice = st.selectbox(
    "评测运行（最新的在最前）", names[::-1], format_func=lambda n: ev.run_label(by_name[n]), key="evals_run"
)
idx = names.index(choice)
run = runs[idx]
previous = next((r for r in reversed(runs[:idx]) if not r.get("problem")), None)
if run.get("problem"):
    st.warning(plain(run["problem"]))
    st.stop()

try:
    cmp = ev.comparison(run, previous, ev.RUNS_DIR)
except Exception as e:  # noqa: BLE001
    components.show_error(e, "读取评测分数")
    st.stop()

st.subheader(
    "各评测集得分"
    + (f"（对比上一次：{inline(ev.run_label(previous))}）" if previous else "（没有更早的运行可对比）")
)
st.dataframe(ev.styled(ev.summary_frame(cmp), previous is not None), hide_index=True, width="stretch")

for suite in cmp["suites"]:
    with st.expander(f"{ev.suite_label(suite)}：全部指标与结果变化的用例"):
        flips = ev.flips_frame(cmp, suite)
        if len(flips):
            st.markdown("**结果变化的用例**")
            st.dataframe(flips, hide_index=True, width="stretch")
        elif previous:
            st.caption("与上一次相比，没有用例的结果发生变化。")
        st.dataframe(
            ev.styled(ev.metrics_frame(cmp, suite), previous is not None), hide_index=True, width="stretch"
        )

trend = ev.trend_frame([r for r in runs if not r.get("problem")])
if trend["运行"].nunique() > 1:
    st.subheader("历次运行得分（按时间先后）")
    st.altair_chart(ev.trend_chart(trend), width="stretch")
