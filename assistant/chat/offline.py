"""Chat, offline engine: answers about one Document computed from it, each quoting and citing its source.

A question is read for what it asks (question.py) and which project, 分项 or section it names (refs.py);
follow-ups take the previous turn's subject. Then, in order: defects (the reviewer's findings), lists of
第一部分, conditions and aggregates over projects and rows (aggregates.py), a clarifying question when two
projects fit one singular mention, a project's header field, and otherwise the passage (row or sentence)
that covers the question's content words (lookup.py, with hybrid retrieval as the fallback), answered with
its extracted span. When no passage covers what was asked, the answer is 资料中未找到.
"""

from __future__ import annotations

import re

from ..models import Answer, Document, Finding, Project
from ..values import format_wan, normalize_text
from . import aggregates as agg
from .answers import (
    clarify,
    field_answer,
    not_found,
    passage_answer,
    plan_answer,
    project_summary,
    rows_answer,
    units_answer,
    where_answer,
)
from .defects import defects_answer
from .lexicon import lexicon
from .lookup import MIN_COVERAGE, Matcher, Scored, counts_asked
from .partone import area_answer, find_area, part_one, title_words
from .passages import Passage, document_passages
from .question import Question, hard_word, parse
from .refs import ProjectIndex, Ref, common_substrings
from .search import HybridSearch
from .stream import AnswerStream, History
from .turns import Earlier, earlier_subject, same_question_about, several, with_closest

NOT_FOUND = "资料中未找到"
_MONEY = ("预算数", "财政资金", "其他资金", "中期资金")
_UNIT_FIELDS = ("单位编码", "预算单位")
_HEADER = ("单位编码", "预算数", "财政资金", "其他资金", "中期资金", "资金用途", "项目编码", "预算单位", "资金支出计划")


class OfflineChat:
    """Rules, lookups and retrieval over one Document; `findings` (from the reviewer) answer defect
    questions; `source_text` (the raw file text, when there is one) gives 第一部分 citations a line."""

    engine = "offline"

    def __init__(self, doc: Document, findings: list[Finding] | None = None, source_text: str | None = None):
        self.doc = doc
        self.findings = findings
        self.passages = document_passages(doc, source_text)
        self.index = ProjectIndex(doc)
        self.matcher = Matcher(doc, self.passages)
        self.search = HybridSearch(self.passages)

    def stream(self, question: str, history: History = ()) -> AnswerStream:
        """The whole answer as one chunk."""

        def run():
            answer = self.ask(question, history)
            yield answer.text
            return answer

        return AnswerStream(run())

    def ask(self, question: str, history: History = ()) -> Answer:
        parts = [x for x in re.split(r"(?<=[？?])", question.strip()) if len(normalize_text(x)) >= 4]
        if len(parts) > 1:  # 建档率要多少？那高血压患者规范管理率呢？: each question in turn, the later as follow-ups
            return several(self, question, parts, history)
        text = normalize_text(question)
        if not re.search(r"[\u4e00-\u9fffA-Za-z0-9]", text):
            return Answer(question=question, text=f"{NOT_FOUND}。请输入要问的问题，例如：项目8的预算是多少？", not_found=True)
        ref = self.index.resolve(text)
        q = parse(question, ref.mention if ref.firm else "", self.matcher.vocab)
        q.terms = self._repair(q.terms)
        again = same_question_about(self, q, ref, history)
        if again is not None:  # 那义务植树呢？: the previous question, about another project
            answer = self.ask(again)
            answer.question = question
            return answer
        before = earlier_subject(self, history) if not (ref.tables or ref.department) else Earlier()
        # words that matched a project's name may instead name a row of another project (森林抚育面积)
        wide = parse(question, "", self.matcher.vocab) if ref.how == "name" and ref.firm and not ref.explicit else None
        if wide is not None:
            wide.mention = q.mention  # what is counted must still be named apart from the project
        answer = self._answer(q, ref, before, wide)
        if answer.not_found and not answer.citations:
            answer = with_closest(self, answer, q, ref)
        answer.question = question
        return answer

    def _repair(self, terms: list[str]) -> list[str]:
        """Words the tokenizer cut across a document word: 李子 + 苗发 -> 李子苗 + 发."""
        out = list(terms)
        for i in range(1, len(out)):
            a, b = out[i - 1], out[i]
            if len(b) >= 2 and not self.matcher.known(b) and (a + b[0]) in self.matcher.all_text:
                out[i - 1], out[i] = a + b[0], b[1:]
        return [t for t in out if len(t) >= 2 or t in lexicon().synonyms]

    # -- the order questions are tried in ----------------------------------------------------------
    def _answer(self, q: Question, ref: Ref, before: Earlier, wide: Question | None = None) -> Answer:
        if ref.out_of_range:
            return not_found(f"文档共有 {len(self.doc.projects)} 个项目，没有第 {ref.out_of_range} 个。")
        if ref.unknown_docno:
            return not_found(f"没有项目的名称中含有文号“{ref.unknown_docno}”。")
        unknown = [t for t in q.terms if not self.matcher.known(t) and hard_word(t)]
        if unknown:
            return not_found(f"文档中没有关于“{'、'.join(unknown)}”的内容。")
        if q.shift and self.doc.budget_year:
            q.years.append(self.doc.budget_year + q.shift)  # 明年: the year after the document's
        other_years = [y for y in q.years if y != self.doc.budget_year and str(y) not in self.matcher.all_text]
        if other_years and self.doc.budget_year:
            return not_found(f"文档是 {self.doc.budget_year} 年的，没有 {'、'.join(map(str, other_years))} 年的内容。")
        if "actual" in q.intents and not any(i.actual_raw for p in self.doc.projects for i in p.indicators):
            return not_found("文档只有预算和计划的指标值，没有实际完成或执行的数据。")
        if (q.row_follow_up or q.column and not q.terms and q.follow_up) and before.row is not None and not ref.tables:
            return self._row_follow_up(q, before)
        if not ref.tables and not ref.department and (q.follow_up or not q.terms) and before.tables:
            ref = Ref(list(before.tables), "history", firm=True)
        if len(self.doc.projects) == 1 and not (ref.tables and ref.firm) and not ref.unknown_name and not (q.section or q.department and self.doc.goal_areas):
            ref = Ref([1], "only", firm=True)  # a one-table document: every question is about its project
        projects = self.index.projects(ref) if ref.tables and ref.firm else self.doc.projects
        if "defects" in q.intents or q.defect_kind or ("consistency" in q.intents and re.search(r"成本|预算|金额", q.rest)):
            return defects_answer(self, q, ref, projects)
        if q.field in _UNIT_FIELDS and ref.how == "unit" and ref.tables:  # 不动产登记中心的单位编码
            return field_answer(self.doc, self.doc.projects[ref.tables[0] - 1], q.field)
        if q.field == "预算单位" and ({"count", "list", "which"} & q.intents or re.search(r"几个|多少个|哪几个|哪些", q.rest)) and not (ref.tables and ref.firm and len(ref.tables) == 1):
            return units_answer(self.doc)
        if q.section or (q.department and not ref.tables):
            answer = part_one(self, q)
            if answer is not None:
                return answer
        if self._row_named_whole(q):
            return self._lookup(q, ref, before, wide=wide)
        if ref.tied and ref.firm and q.categories and not {"list", "which", "sum"} & q.intents:
            return self._clarify(q, ref, before)  # 公卫项目有几个质量指标: which of the two is meant
        plural = bool({"list", "sum", "count", "which"} & q.intents) or len(ref.tables) > 1 and not ref.tied
        if not (ref.tables and ref.firm) or plural or ref.tied and ({"more", "less", "sum"} & q.intents) or q.categories:
            answer = self._across(q, ref, projects)
            if answer is not None:
                return answer
        if ref.tied and ref.firm and len(ref.tables) > 1 and not plural:
            return self._clarify(q, ref, before)
        area = find_area(self, q)
        if area is not None and ref.how == "name" and len(title_words(self, area, q.text)[0] if title_words(self, area, q.text) else "") > max(map(len, ref.mention.split("\x00"))):
            ref = Ref()  # 城乡规划工作的目标: the 分项 named in full, not the project sharing 规划
        if not (ref.tables and ref.firm):
            if area is not None and (q.field == "绩效目标" or not set(q.terms) - set(title_words(self, area))):
                return area_answer(self, area)
        if ref.unknown_name and (q.field or not q.terms):
            return not_found(f"文档中没有名称或内容与“{ref.unknown_name}”对应的项目。")
        if q.field in _HEADER and not (ref.tables and ref.firm) and not self._named_row(q):
            return not_found(f"问题问的是项目的{q.field}，但文档中没有与“{'、'.join(q.terms) or '该名称'}”对应的项目。")
        if ref.one is not None and ref.firm:
            p = self.doc.projects[ref.one - 1]
            if re.search(r"占.{0,12}(比例|比重|百分之|多少%|几成)", q.text) and q.field in (None, "预算数"):
                share = agg.share_of_total(self.doc, p, q)  # 占总预算的比例: computed, not looked up
                if share is not None:
                    return share
            if not q.terms and not q.categories and re.search(r"(几|多少)(个|项|条)指标|指标(有|共)?(几|多少)", q.text):
                return rows_answer(self.doc, [(ref.one, p, i) for i in p.indicators], q, count=True)
            answer = self._field(q, p)
            if answer is not None:
                return answer
            if not q.terms and q.atype is None and not q.column and not q.categories and not q.intents - {"which", "present"}:
                return project_summary(self.doc, p)  # 第十个项目是什么
        return self._lookup(q, ref, before, wide=wide)

    # -- kinds of answers --------------------------------------------------------------------------
    def _across(self, q: Question, ref: Ref, projects: list[Project]) -> Answer | None:
        scope = self._scope_label(ref)
        listing = bool({"list", "which", "count"} & q.intents) or not (ref.tables and ref.firm)
        for answer in (
            agg.value_rows(self.doc, projects, q),
            agg.spending_plans(self.doc, projects, q) if listing else None,
            agg.category_rows(self.doc, projects, q),
        ):
            if answer is not None:
                return answer
        if q.terms and not q.compare and not (ref.tables and ref.firm):
            return None  # 哪些项目的满意度…: a row question; 某某建设的经费: a project that is not there
        if ref.firm and len(ref.tables) == 1 and not q.compare:
            return None  # 应急物资储备了哪些物资: about the inside of one project, not a list of projects
        names = normalize_text(" ".join(p.name + p.unit_name for p in projects))
        if q.terms and not q.compare and not all(self.matcher.covers(t, names) >= 0.99 for t in q.terms):
            return None  # 一共要改造多少个道路项目: counted inside a project's text, not over projects
        if {"sum", "count", "list", "max", "min", "more", "less"} & q.intents or q.compare:
            if q.field in (None, "预算数", "项目名称") and (not ref.tied or {"sum", "more", "less", "list"} & q.intents):
                return agg.budgets(self.doc, projects, q, scope)
        if ref.firm and len(projects) > 1 and len(ref.tables) > 1 and q.field == "预算数":
            return agg.budgets(self.doc, projects, q.__class__(**{**q.__dict__, "intents": q.intents | {"list"}}), scope)
        return None

    def _scope_label(self, ref: Ref) -> str:
        if ref.how == "unit" and ref.tables:
            return self.doc.projects[ref.tables[0] - 1].unit_name
        if len(ref.tables) > 1:
            return f"名称含“{ref.mention}”的项目" if ref.mention else ""
        return ""

    def _field(self, q: Question, p: Project) -> Answer | None:
        if q.field is None and q.month is None:
            return None
        if q.field in _MONEY and q.atype in ("time", "entity", "percent", "quantity"):
            return None  # 这笔钱是哪一年下达的: not the amount
        if q.years and self.doc.budget_year and any(y != self.doc.budget_year for y in q.years):
            return not_found(f"文档是 {self.doc.budget_year} 年的预算，没有 {'、'.join(map(str, q.years))} 年的数据。")
        if "actual" in q.intents and not any(i.actual_raw for i in p.indicators):
            return not_found("文档只有预算和计划数，没有实际执行或完成数。")
        month_only = q.month is not None and not q.terms and q.atype is None and q.field is None and q.follow_up
        if q.month is not None and (q.field == "资金支出计划" or re.search(r"支出|进度|拨付|用款", q.rest) or month_only):
            return plan_answer(self.doc, p, q.month)
        if q.field == "资金支出计划" and q.atype == "time" or q.field in _MONEY and re.search(r"(几月|什么时候|何时).{0,6}(花完|用完|支出完|全部支出|支付完)", q.rest):
            return plan_answer(self.doc, p, None, until_all=True)  # 到几月底能全部支出
        if q.field == "资金支出计划":
            return plan_answer(self.doc, p, None)
        if q.field in ("资金用途", "绩效目标") and (q.atype or q.unit or q.terms):
            answer = self._lookup(q, Ref([self.doc.projects.index(p) + 1], "name", firm=True), Earlier(), only=q.field)
            return None if answer.not_found else answer  # not in that field: the rows may say it
        if q.field is None:
            return None
        if q.terms:
            named = self._row_asked(q, p)
            if named is not None and named.type_ok is not False:
                return None  # 预算控制数, 设备购置费: a row named like money
            if named is not None and q.field in _MONEY:
                return not_found(f"“{p.name}”只在“{named.passage.label}”中提到“{'、'.join(q.terms)}”，没有相应的金额。")
        return field_answer(self.doc, p, q.field)

    def _row_named_whole(self, q: Question) -> bool:
        """Whether an aggregate cue belongs to a row's name (建设项目个数是多少, 镇街补助款完成结算项目数):
        the question then asks for that row, not for a count of projects."""
        lex = lexicon()
        cues = [c for name in ("count", "sum", "list") for c in lex.intents[name] if c in q.text]
        if not cues:
            return False
        for p in self.passages:
            if p.indicator is None:
                continue
            for cell in (p.indicator.level3, p.indicator.description):
                name = re.sub(r"[(（][^)）]*[)）]", "", normalize_text(cell))
                for a, b in common_substrings(q.text, name, 4):
                    if b - a >= 0.7 * len(name) and any(c in q.text[a:b] for c in cues):
                        return True
        return False

    def _named_row(self, q: Question) -> bool:
        """Whether a row's own words name everything the question asks (补贴资金总额是多少: a row, not a budget)."""
        if not q.terms:
            return False
        best = self.matcher.score(q, q.terms, set(), set())[:1]
        return bool(best) and best[0].passage.kind == "row" and best[0].own >= 0.99 and best[0].type_ok is not False

    def _row_asked(self, q: Question, p: Project) -> Scored | None:
        """The project's row whose own words hold all the question's content words, if any."""
        t = self.doc.projects.index(p) + 1
        rows = [s for s in self.matcher.score(q, q.terms, {("t", t)}, set()) if s.passage.table == t and s.passage.kind == "row"]
        best = max(rows, key=lambda s: s.own, default=None)
        if best is None or best.own < 0.99:
            return None
        if q.field in _MONEY and best.passage.indicator is not None and best.passage.indicator.value.kind not in ("money", "unit_price"):
            best.type_ok = False  # 合同金额: the row mentions 合同 but holds no amount
        return best

    def _row_follow_up(self, q: Question, before: Earlier) -> Answer:
        p, ind = before.row
        t = self.doc.projects.index(p) + 1
        return rows_answer(self.doc, [(t, p, ind)], q)

    def _clarify(self, q: Question, ref: Ref, before: Earlier) -> Answer:
        candidates = [(t, self.doc.projects[t - 1]) for t in ref.tables]
        if q.field is None or q.terms:  # the row may exist in one of them only
            fits = [t for t, _ in candidates if self._answerable(q, t)]
            if len(fits) == 1:
                return self._answer(q, Ref(fits, ref.how, firm=True, mention=ref.mention), before)
        return clarify(self.doc, candidates, q)

    def _answerable(self, q: Question, t: int) -> bool:
        scored = self.matcher.score(q, q.terms, {("t", t)}, set())
        return any(s.passage.table == t and self._acceptable(s, q, firm=True) for s in scored[:3])

    # -- the passage that answers ------------------------------------------------------------------
    def _acceptable(self, s: Scored, q: Question, firm: bool) -> bool:
        if s.type_ok is False or s.in_scope is False or not counts_asked(q, s.passage, s.sentence, s.span):
            return False
        if s.in_scope and q.terms and s.own <= 0:
            return False  # 应急物资储备了哪些物资: a row must say what is asked itself, not through its project's name
        if q.terms:
            return s.coverage >= MIN_COVERAGE
        return firm and (s.type_ok is True or bool(q.categories) or q.field is not None or q.column is not None)

    def _lookup(self, q: Question, ref: Ref, before: Earlier, only: str | None = None, wide: Question | None = None) -> Answer:
        if q.years and self.doc.budget_year and any(y != self.doc.budget_year and str(y) not in self.matcher.all_text for y in q.years):
            return not_found(f"文档是 {self.doc.budget_year} 年的，没有 {'、'.join(map(str, q.years))} 年的内容。")
        scope = {("t", t) for t in ref.tables} if ref.firm and ref.how != "only" else set()
        area = find_area(self, q) if q.section == "分项绩效目标" or q.department else None
        if area is not None:
            scope.add(("a", area.number))
        near = {("t", t) for t in ref.tables} | {("t", t) for t in before.tables} | before.keys
        if q.column and not q.terms and len(ref.tables) == 1 and ref.firm:  # 国土空间规划的指标值确定依据
            t = ref.tables[0]
            p = self.doc.projects[t - 1]
            rows = [i for i in p.indicators if not q.categories or agg.in_category(i, q.categories[0])]
            if rows:
                return rows_answer(self.doc, [(t, p, i) for i in rows], q)
        named = max(ref.mention.split("\x00"), key=len) if ref.firm and ref.mention else ""
        named = named if len(named) >= 2 else ""
        several = self._each(q, scope, near, named) if not only else None
        if several is None and wide is not None and not only:
            several = self._each(wide, set(), near, "")
        if several is not None:
            return several
        scored = self.matcher.score(q, q.terms, scope, near, named)
        if only:
            scored = [s for s in scored if s.passage.label == only and s.passage.key in scope]
        if q.categories:
            cat = q.categories[0]
            scored = [s for s in scored if s.passage.indicator is None or agg.in_category(s.passage.indicator, cat)] or scored
        good = [s for s in scored if self._acceptable(s, q, firm=bool(scope))]
        other_years = [str(y) for y in q.years if y != self.doc.budget_year]
        if other_years:  # 去年发生面积, 2023年造林绿化面积: the passage itself must be about that year
            good = [s for s in good if all(y in s.passage.match + normalize_text(s.passage.value) for y in other_years)]
        if wide is not None and wide.terms and (not good or good[0].own < 0.99):
            other = [s for s in self.matcher.score(wide, wide.terms, set(), near) if self._acceptable(s, wide, firm=False)]
            if other and other[0].own >= 0.99 and (other[0].passage.key not in scope or not good) and other[0].passage.kind == "row":
                q, good = wide, other
        if not good:
            rescued = self._hybrid(q, scored)
            if rescued is None:
                return not_found(self._missing(q, scored))
            good = [rescued]
        best = good[0]
        top = [s for s in good if s.score >= best.score - 0.02 and s.coverage >= best.coverage - 1e-9]
        if not scope:  # as good a match in another project (only a weak name match tells them apart)
            top += [s for s in good if s not in top and s.passage.table and abs(s.coverage - best.coverage) < 1e-9 and abs(s.own - best.own) < 1e-9 and s.type_ok == best.type_ok and s.passage.label == best.passage.label]
        tables = {s.passage.table for s in top if s.passage.table is not None}
        if len(tables) > 1 and not scope:
            return clarify(self.doc, [(t, self.doc.projects[t - 1]) for t in sorted(tables)], q, [s for s in top if s.passage.table])
        if "actual" in q.intents and not any(s.passage.indicator is not None and s.passage.indicator.actual_raw for s in top):
            return not_found("文档只有计划的指标值，没有实际完成值。")
        if "where" in q.intents:
            return where_answer(self.doc, top[0])
        return passage_answer(self.doc, top[:4], q)

    def _each(self, q: Question, scope: set, near: set, named: str) -> Answer | None:
        """防治面积和成灾率分别是多少: each part asked on its own; an answer only when every part finds its
        own passage."""
        pieces = [x for x in re.split(r"和|与|以及|及|跟|、", q.rest) if x.strip("|")]
        if len(pieces) < 2:
            return None
        tail = re.search(r"(?:分别|各自|各|都)?(?:是|为|有|要求|定的|定了|设置了?)?(?:多少|什么|几|怎样|如何).*$", pieces[-1])
        if not tail and "each" not in q.intents:
            return None
        ask = re.sub(r"^(?:分别|各自|各|都)", "", tail.group(0)) if tail else "是多少"
        found: list[Scored] = []
        for piece in pieces:
            part = parse(piece.replace(tail.group(0), "") + ask if tail else piece + ask, "\x00".join(q.mention) if scope else "", self.matcher.vocab)
            if not part.terms:
                return None
            good = [s for s in self.matcher.score(part, part.terms, scope, near, named) if self._acceptable(s, part, firm=bool(scope))]
            if found:  # as good a match in the project of the parts before comes first
                same = [s for s in good if s.passage.table == found[0].passage.table and abs(s.own - good[0].own) < 1e-9]
                good = same + [s for s in good if s not in same]
            if not good or ("each" not in q.intents and good[0].own < 0.99) or any(good[0].passage is s.passage for s in found):
                return None
            found.append(good[0])
        rows = [s for s in found if s.passage.indicator is not None]
        return passage_answer(self.doc, rows, q) if len(rows) == len(found) else None

    def _hybrid(self, q: Question, scored: list[Scored]) -> Scored | None:
        """Fallback: the lexically best passage still answers when BM25 and embeddings both rank it first."""
        if not scored or not q.terms:
            return None
        best = scored[0]
        if best.coverage < 0.45 or best.type_ok is False or best.in_scope is False or not counts_asked(q, best.passage, best.sentence, best.span):
            return None
        if any(str(y) not in best.passage.match + normalize_text(best.passage.value) for y in q.years if y != self.doc.budget_year):
            return None
        top = self.search.top(q.text, [s.passage for s in scored[:10]])
        return best if top is not None and top is best.passage else None

    def _missing(self, q: Question, scored: list[Scored]) -> str:
        if q.terms and scored:
            ctx = self.matcher.context(scored[0].passage)
            missing = [t for t in q.terms if self.matcher.covers(t, ctx) < 0.5]
            if missing:
                return f"文档中没有与“{'、'.join(missing)}”直接对应的内容。"
        return "文档中没有与该问题直接对应的内容。"


__all__ = ["NOT_FOUND", "OfflineChat", "Passage", "format_wan"]
