"""Build the eval documents from their sources in src/*.yaml.

    .venv/bin/python evals/docs/build_docs.py        # rewrites the .txt / .docx beside this script

format text_export: a Word document saved as text, in the seed's shape (each table cell on its own
line starting with a tab, rows separated by blank lines, an empty cell where a merged cell continues,
multi-line cells continuing without a tab). format docx: a Word file with merged cells, written by the
library's own .docx writer. The pasted web page (青山县交通运输局…（网页粘贴）.txt) is written by hand.
"""

from __future__ import annotations

import sys
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent))

PLAN_LABELS = ("3月底", "6月底", "10月底", "12月底")
HEADER = ("一级指标", "二级指标", "三级指标", "绩效指标描述", "指标值", "指标值确定依据")


def _cell(text: str) -> list[str]:
    """A cell as exported: first line after a tab, further lines without one; '0' as ' 0'."""
    lines = str(text).split("\n") if text else [""]
    first = " 0" if lines[0] == "0" else lines[0]
    return ["\t" + first, *lines[1:]]


def _row(cells) -> list[str]:
    out = []
    for c in cells:
        out += _cell(c)
    return out + [""]


def text_export(src: dict) -> str:
    projects = src["projects"]
    out = [" "] * 3 + src["title_lines"] + [" "] * 18 + src["cover_tail"] + ["", " ", "目    录", " "]
    out += [
        "第一部分 部门整体绩效目标",
        "一、总体绩效目标\t1",
        "二、分项绩效目标\t1",
        "三、工作保障措施\t2",
        "",
    ]
    out += ["第二部分 预算项目绩效目标"] + [
        f"{n}.{p['name']}绩效目标表\t{n + 3}" for n, p in enumerate(projects, 1)
    ]
    out += ["", "page number", "page number", " ", "第一部分", "部门整体绩效目标", " "]
    out += [
        "[bookmark: _Toc_2_2_0000000001]一、总体绩效目标",
        "总体绩效目标",
        *src["overall_goal"].splitlines(),
    ]
    out += ["[bookmark: _Toc_2_2_0000000002]二、分项绩效目标", "分项绩效目标"]
    for n, (title, goal, indicators) in enumerate(src["goal_areas"], 1):
        out += [f"{n}、{title}", f"绩效目标：{goal}", f"绩效指标：{indicators}"]
    out += [
        "[bookmark: _Toc_2_2_0000000003]三、工作保障措施",
        "工作保障措施",
        *src["safeguards"].splitlines(),
    ]
    out += [" "] * 4 + ["第二部分", " ", "预算项目绩效目标", " ", " "]
    for n, p in enumerate(projects, 1):
        out.append(f"[bookmark: _Toc_4_4_{n + 3:010d}]{n}.{p['name']}绩效目标表")
        out += _row([p["unit"], "单位：万元"])
        out += _row(["项目编码", p["code"], "项目名称", p["name"]])
        out += _row(
            [
                "预算规模及资金用途",
                "预算数",
                p["budget"],
                "其中：财政    资金",
                p["fiscal"],
                "其他资金",
                p["other"] or " ",
            ]
        )
        out += _row(["", p["purpose"]])
        out += _row(["资金支出计划（%）", *PLAN_LABELS])
        out += _row(["", *p["plan"]])
        out += _row(["绩效目标", p["goal"]]) + ["", " "]
        out += _row(HEADER)
        for r in p["rows"]:
            out += _row(r)
        out += ["", "", " "]
    return "\n".join(out) + "\n"


def to_document(src: dict):
    """The source as a Document model (no parsing): merged 一级 cells are filled down."""
    from assistant.models import BudgetUnit, Document, GoalArea, Indicator, Project, SpendingPlan
    from assistant.values import parse_percent

    projects, units = [], {}
    for p in src["projects"]:
        code, name = p["unit"][:6], p["unit"][6:]
        units[code] = name
        level1, rows = "", []
        for r in p["rows"]:
            level1 = r[0] or level1
            rows.append(
                Indicator(
                    level1=level1, level2=r[1], level3=r[2], description=r[3], value_raw=r[4], basis=r[5]
                )
            )
        plan = [parse_percent(v) if v != "0" else 0.0 for v in p["plan"]]
        projects.append(
            Project(
                unit_code=code,
                unit_name=name,
                code=p["code"],
                name=p["name"],
                budget=float(p["budget"]),
                fiscal_funds=float(p["fiscal"]),
                other_funds=float(p["other"]) if p["other"] else None,
                purpose=p["purpose"],
                goal=p["goal"],
                indicators=rows,
                spending_plan=SpendingPlan(
                    mar=plan[0], jun=plan[1], oct=plan[2], dec=plan[3], raw=list(p["plan"])
                ),
            )
        )
    areas = [
        GoalArea(number=n, title=t, goal=g, indicators_text=i)
        for n, (t, g, i) in enumerate(src["goal_areas"], 1)
    ]
    return Document(
        title="".join(src["title_lines"]),
        cover=src["title_lines"] + src["cover_tail"],
        department=src["department"],
        budget_year=src["year"],
        units=[BudgetUnit(code=c, name=n) for c, n in units.items()],
        overall_goal=src["overall_goal"],
        goal_areas=areas,
        safeguards=src["safeguards"],
        projects=projects,
    )


def _fixed_times(docx: bytes) -> bytes:
    """The same .docx with every zip entry dated 1980-01-01, so a rebuild gives identical bytes."""
    import io
    import zipfile

    src, buf = zipfile.ZipFile(io.BytesIO(docx)), io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            out.writestr(
                zipfile.ZipInfo(info.filename, (1980, 1, 1, 0, 0, 0)), src.read(info), zipfile.ZIP_DEFLATED
            )
    return buf.getvalue()


def build(path: Path) -> Path:
    src = yaml.safe_load(path.read_text(encoding="utf-8"))
    for p in src["projects"]:
        bad = [r for r in p["rows"] if len(r) != 6]
        if bad:
            raise SystemExit(f"{path.name}: {p['name']}: rows need 6 cells: {bad}")
    out = HERE / src["file"]
    if src["format"] == "text_export":
        out.write_text(text_export(src), encoding="utf-8")
    else:
        from assistant.writers.docx import document_docx

        out.write_bytes(_fixed_times(document_docx(to_document(src))))
    return out


if __name__ == "__main__":
    for source in sorted((HERE / "src").glob("*.yaml")):
        print(build(source))
