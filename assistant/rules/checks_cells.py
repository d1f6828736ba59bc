"""Cell-level checks: placeholders and template residue, missing cells, vague values, copied text."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..categories import SATISFACTION, TIMELINESS, canonical_level1, canonical_level2
from ..models import Document, Finding, Project, SourceLocation
from ..values import normalize_text
from .engine import (
    Context,
    FieldParams,
    Lexicon,
    Rule,
    check,
    find_phrase,
    line_with,
    phrase_regex,
    same_text,
)

_NUMBERING = re.compile(r"^\s*[\d一二三四五六七八九十]+\s*[.、．)）]\s*")
_INDICATOR_FIELDS = (
    ("level3", "三级指标"),
    ("description", "指标描述"),
    ("value_raw", "指标值"),
    ("basis", "确定依据"),
)


def is_placeholder(text: str, lex: Lexicon) -> bool:
    """A cell that holds nothing but a placeholder (密, XX, ***, 待填写), numbering aside."""
    t = normalize_text(_NUMBERING.sub("", text or ""))
    return bool(t) and any(t == normalize_text(p) for p in lex.placeholder_cells)


def placeholder_in(text: str, lex: Lexicon) -> str | None:
    """The placeholder found in `text` (whole cell or a pattern inside it), as it is written."""
    if is_placeholder(text, lex):
        return line_with(text)
    hit = find_phrase(text, lex.placeholder_patterns)
    return hit[1] if hit else None


def redacted_projects(doc: Document, lex: Lexicon) -> set[int]:
    """Projects whose content is mostly placeholders (a table published as 密): one finding each."""
    out = set()
    for n, p in enumerate(doc.projects):
        cells = [p.purpose, p.goal] + [getattr(i, f) for i in p.indicators for f, _ in _INDICATOR_FIELDS]
        cells = [c for c in cells if c.strip()]
        hidden = sum(1 for c in cells if is_placeholder(c, lex))
        if cells and hidden >= 3 and hidden >= 0.6 * len(cells):
            out.add(n)
    return out


@check("placeholder_project", fields=("hidden", "rows", "total"))
def placeholder_project(doc: Document, rule: Rule, ctx: Context) -> Iterator[Finding]:
    for n in sorted(ctx.redacted):
        p = doc.projects[n]
        cells = [p.purpose, p.goal] + [getattr(i, f) for i in p.indicators for f, _ in _INDICATOR_FIELDS]
        marks = [c for c in cells if is_placeholder(c, ctx.lexicon)]
        evidence = line_with(marks[0]) if marks else p.name
        yield rule.finding(
            evidence,
            project=p,
            hidden=len(marks),
            total=len([c for c in cells if c.strip()]),
            rows=len(p.indicators),
        )


@check("placeholder_cell", fields=("field", "text", "row"))
def placeholder_cell(doc: Document, rule: Rule, ctx: Context) -> Iterator[Finding]:
    """Placeholders in the cells of projects that are not wholly redacted: one finding per row/field."""
    for p in ctx.projects():
        for label, text in (("项目名称", p.name), ("资金用途", p.purpose), ("绩效目标", p.goal)):
            hit = placeholder_in(text, ctx.lexicon)
            if hit:
                yield rule.finding(line_with(text, hit), project=p, field=label, text=hit, row="项目")
        for i in p.indicators:
            hits = [
                (label, placeholder_in(getattr(i, f), ctx.lexicon), getattr(i, f))
                for f, label in _INDICATOR_FIELDS
            ]
            hits = [(label, h, cell) for label, h, cell in hits if h]
            if [h[0] for h in hits] == ["三级指标"] and _template_note(i.level3, ctx.lexicon):
                continue  # (≥**人) left in a name whose value is filled: PH-NAME reports it once per table
            if i.value.kind == "placeholder" and not any(label == "指标值" for label, _, _ in hits):
                hits.append(("指标值", line_with(i.value_raw), i.value_raw))
            if i.level3.strip() and not re.search(r"[\u4e00-\u9fffA-Za-z]", i.level3) and not hits:
                hits.append(("三级指标", line_with(i.level3), i.level3))  # "0": the template's default, never filled
            if hits:
                fields = "、".join(label for label, _, _ in hits)
                yield rule.finding(
                    line_with(hits[0][2], hits[0][1]),
                    project=p,
                    indicator=i,
                    field=fields,
                    text=hits[0][1],
                    row="/".join(x for x in (i.level1.strip(), i.level2.strip()) if x) or "指标",
                )


def _template_note(name: str, lex: Lexicon) -> str | None:
    """The template's note left in a 三级 name, '(≥**人)' in '受益人数(≥**人)'."""
    m = re.search(r"[(（][^()（）]*[*＊]{2}[^()（）]*[)）]|[≥≤<>]=?\s*[*＊]{2}\S{0,4}", name or "")
    return m.group(0) if m else None


@check("name_template_note", fields=("count", "example"))
def name_template_note(doc: Document, rule: Rule, ctx: Context) -> Iterator[Finding]:
    """Names that keep the template's '(≥**人)' after the value was filled in: one finding per table."""
    for p in ctx.projects():
        rows = [i for i in p.indicators if _template_note(i.level3, ctx.lexicon) and i.value.kind != "placeholder"]
        if rows:
            note = _template_note(rows[0].level3, ctx.lexicon)
            yield rule.finding(line_with(rows[0].level3, note), project=p, indicator=rows[0], count=len(rows), example=note)


def _document_texts(doc: Document, ctx: Context) -> Iterator[tuple[str, Project | None, SourceLocation]]:
    loc = SourceLocation(file=doc.source_file)
    if not ctx.single_project:
        for text in (*doc.cover, doc.title, doc.department, doc.overall_goal, doc.safeguards):
            yield text, None, loc
        for a in doc.goal_areas:
            for text in (a.title, a.goal, a.indicators_text):
                yield text, None, loc
    for p in ctx.projects():
        for text in (p.name, p.purpose, p.goal, p.unit_name):
            yield text, p, p.source
        for i in p.indicators:
            for f, _ in _INDICATOR_FIELDS:
                yield getattr(i, f), p, i.source


@check("template_residue", fields=("text",))
def template_residue(doc: Document, rule: Rule, ctx: Context) -> Iterator[Finding]:
    """Template residue in any text field, and in raw source lines the Document does not hold
    (a cover page line such as "卢龙县财政（厅/局）审核")."""
    seen: set[str] = set()
    held: list[str] = []
    raw_lines = (ctx.source_text or "").splitlines()
    for text, p, loc in _document_texts(doc, ctx):
        held.append(text)
        for line in (text or "").splitlines():
            hit = find_phrase(line, ctx.lexicon.residue_patterns)
            if hit and line.strip() not in seen:
                seen.add(line.strip())
                if p is None and loc.line is None:  # a document-level line: say where it is when we can
                    n = next((k for k, raw in enumerate(raw_lines, start=1) if line.strip() in raw), None)
                    loc = loc.model_copy(update={"line": n})
                yield rule.finding(line.strip(), project=p, location=loc, text=hit[1])
    if raw_lines and not ctx.single_project:
        blob = "\n".join(held)
        for n, line in enumerate(raw_lines, start=1):
            s = line.strip()
            if not s or s in seen or s in blob:
                continue
            hit = find_phrase(s, ctx.lexicon.residue_patterns)
            if hit:
                seen.add(s)
                yield rule.finding(s, location=SourceLocation(file=doc.source_file, line=n), text=hit[1])


@check("missing_value")
def missing_value(doc: Document, rule: Rule, ctx: Context) -> Iterator[Finding]:
    for p, i in ctx.rows():
        if i.value.kind == "empty" and i.level3.strip():
            yield rule.finding(line_with(i.level3), project=p, indicator=i)


@check("missing_basis")
def missing_basis(doc: Document, rule: Rule, ctx: Context) -> Iterator[Finding]:
    for p, i in ctx.rows():
        if p.layout and "basis" not in p.layout:
            continue  # the table has no 指标值确定依据 column: nothing was left empty
        if not i.basis.strip() and i.level3.strip() and i.value.kind != "placeholder":
            yield rule.finding(line_with(i.level3), project=p, indicator=i)


@check("satisfaction_method", fields=("basis",))
def satisfaction_method(doc: Document, rule: Rule, ctx: Context) -> Iterator[Finding]:
    """A 满意度 row whose 依据, 描述 and 三级 name no survey method (问卷, 回访, 座谈…): checklists ask
    how satisfaction is measured. Empty 依据 is MISSING-BASIS's, a 依据 copying the name COPY-BASIS's,
    placeholders PH-CELL's."""
    lex = ctx.lexicon
    for p, i in ctx.rows():
        if canonical_level1(i.level1) != SATISFACTION and "满意度" not in i.level3:
            continue
        if not i.basis.strip() or same_text(i.basis, i.level3) or i.value.kind == "placeholder":
            continue
        if any(placeholder_in(c, lex) for c in (i.level3, i.basis)):
            continue
        if any(find_phrase(c, lex.survey_methods) for c in (i.basis, i.description, i.level3)):
            continue
        lines = [ln.strip() for ln in i.basis.splitlines() if ln.strip()]
        yield rule.finding(line_with(i.basis), project=p, indicator=i, basis="".join(lines))


@check("missing_field", fields=("field",), params=FieldParams)
def missing_field(doc: Document, rule: Rule, ctx: Context) -> Iterator[Finding]:
    """A project without 绩效目标 / 资金用途 / 预算数 (params.field: goal | purpose | budget)."""
    field = rule.params.get("field", "goal")
    labels = {"goal": "绩效目标", "purpose": "资金用途", "budget": "预算数"}
    for p in ctx.projects():
        if field in ("purpose", "budget") and p.layout and field not in p.layout:
            continue  # the template has no 资金用途 (or 预算数) field: nothing was left empty
        value = getattr(p, field)
        if value is None or (isinstance(value, str) and not _NUMBERING.sub("", value).strip()):
            yield rule.finding(line_with(p.name) or p.code, project=p, field=labels[field])


def copies_name(text: str, name: str) -> bool:
    """A 描述 that only repeats the 三级 name, with or without 反映…/指… and a full stop."""
    if same_text(text, name):
        return True
    t = re.sub(r"^(?:反映|是指|指)", "", normalize_text(text)).rstrip("。.；;")
    n = normalize_text(name)
    return bool(n) and t == n


def _is_copy(i) -> bool:
    return same_text(i.value_raw, i.level3) or same_text(i.value_raw, i.description)


def _unmeasurable(i, lex: Lexicon) -> tuple[str, str] | None:
    """A qualitative value that no one could score: not a yes/no or pass/fail outcome, not a named
    standard, not a graded scale ("正面支撑", "有力保障", "持续影响", "减少"). (phrase, text) like find_phrase."""
    t = normalize_text(i.value_raw)
    if not t or len(t) > 40:
        return None
    if any(t == normalize_text(w) for w in lex.binary_values) or find_phrase(i.value_raw, lex.standard_markers):
        return None
    if any(phrase_regex(p).match(t) for p in lex.outcome_patterns):
        return None  # 无重大安全事故, 全部消除, 应保尽保: a count of zero or an all-or-nothing outcome
    text = line_with(i.value_raw)
    return text, text


@check("vague_phrase", fields=("phrase", "value"))
def vague_phrase(doc: Document, rule: Rule, ctx: Context) -> Iterator[Finding]:
    """A qualitative value built on a vague phrase, with no number and no graded scale. 时效 rows
    are left to the timeliness rule and values that copy the indicator name to the copy rule."""
    for p, i in ctx.rows():
        v = i.value
        if v.kind != "qualitative" or v.graded or re.search(r"\d", v.raw) or _is_copy(i):
            continue
        if canonical_level2(i.level2) == TIMELINESS:
            continue
        hit = find_phrase(i.value_raw, ctx.lexicon.vague_phrases) or _unmeasurable(i, ctx.lexicon)
        if hit:
            yield rule.finding(
                line_with(i.value_raw), project=p, indicator=i, value=line_with(i.value_raw), phrase=hit[1]
            )


@check("vague_timeliness", fields=("value",))
def vague_timeliness(doc: Document, rule: Rule, ctx: Context) -> Iterator[Finding]:
    """A 时效 value with no date, deadline or rate: "按时缴纳", "及时保障"."""
    for p, i in ctx.rows():
        v = i.value
        timely = canonical_level2(i.level2) == TIMELINESS
        if (
            timely
            and v.kind == "qualitative"
            and not v.graded
            and not v.past_tense
            and not re.search(r"\d", v.raw)
        ):
            yield rule.finding(line_with(i.value_raw), project=p, indicator=i, value=line_with(i.value_raw))


@check("copy_description", fields=("count", "names", "total"))
def copy_description(doc: Document, rule: Rule, ctx: Context) -> Iterator[Finding]:
    """Per project: rows whose 绩效指标描述 repeats the 三级指标 word for word (aggregated)."""
    for p in ctx.projects():
        rows = [i for i in p.indicators if i.value.kind != "placeholder"]
        copied = [i for i in rows if copies_name(i.description, i.level3)]
        if copied:
            names = "、".join(f"“{i.level3}”" for i in copied)
            yield rule.finding(
                line_with(copied[0].description),
                project=p,
                count=len(copied),
                total=len(rows),
                names=names,
                location=p.source,
            )


@check("copy_level2", fields=("level2",))
def copy_level2(doc: Document, rule: Rule, ctx: Context) -> Iterator[Finding]:
    """A 三级指标 that only repeats its 二级 name."""

    def core(s: str) -> str:
        return re.sub(r"指标$", "", normalize_text(s))

    for p, i in ctx.rows():
        if i.level3 and i.level2 and core(i.level3) == core(i.level2):
            yield rule.finding(line_with(i.level3), project=p, indicator=i, level2=i.level2.strip())


@check("copy_value", fields=("source", "value"))
def copy_value(doc: Document, rule: Rule, ctx: Context) -> Iterator[Finding]:
    """A qualitative 指标值 that copies the 三级指标 or its 描述 instead of stating a target."""
    for p, i in ctx.rows():
        if i.value.kind in ("qualitative", "date") and not i.value.graded and _is_copy(i):
            source = "三级指标名称" if same_text(i.value_raw, i.level3) else "绩效指标描述"
            yield rule.finding(
                line_with(i.value_raw), project=p, indicator=i, value=line_with(i.value_raw), source=source
            )


@check("copy_basis", fields=("basis",))
def copy_basis(doc: Document, rule: Rule, ctx: Context) -> Iterator[Finding]:
    """A 指标值确定依据 that repeats the 三级指标 name: not a basis."""
    for p, i in ctx.rows():
        if i.value.kind != "placeholder" and same_text(i.basis, i.level3):
            yield rule.finding(line_with(i.basis), project=p, indicator=i, basis=line_with(i.basis))
