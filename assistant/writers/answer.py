"""An Answer as plain text for a terminal."""

from __future__ import annotations

from ..models import Answer


def answer_text(answer: Answer) -> str:
    """Plain text for a terminal: the answer, numbered citations (表N 第M行 字段：原文), the notice."""
    lines = [answer.text]
    if answer.citations:
        lines += ["", "引用："]
        for i, c in enumerate(answer.citations, 1):
            loc = c.location
            where = (f"表{loc.table}" if loc.table is not None else "") + (
                f" 第{loc.row}行" if loc.row is not None else ""
            )
            if c.field == "知识库" and c.document:  # a hit from another document
                where = f"《{c.document}》{where}"
            if loc.section:  # 第一部分: the section, its item and the text line
                where = f"第一部分·{loc.section}" + (f"第{loc.item}项" if loc.item is not None else "")
                where += f"（原文第{loc.line}行）" if loc.line else ""
            project = f"「{c.project}」" if c.project else ""
            field = "" if loc.section and c.field == loc.section else f"{c.field or '原文'}："
            lines.append(f"[{i}] {where or '全文'}{project} {field or '：'}{c.quote}".replace(" ：", "："))
    if answer.notice:
        lines += ["", f"提示：{answer.notice}"]
    return "\n".join(lines)
