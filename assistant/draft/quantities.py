"""A description's numbers as indicator rows, named as a clerk names them.

    r = read_description("在7个林场和11个乡镇实施营造林8万亩，其中新造林3万亩……；修建作业道30公里。", 2026)
    [(q.name, q.value) for q in r.quantities]
    # [('林场数量', '7个'), ('乡镇数量', '11个'), ('营造林面积', '8万亩'), ('新造林面积', '3万亩'), …,
    #  ('作业道修建长度', '30公里')]

Every number becomes a Quantity or an Unused entry with the reason; totals know their parts (parts.py);
standards (每人1000元) are checked against the budget with the numbers they apply to (checks.py).
Pure functions.
"""

from __future__ import annotations

import re

from ..categories import COST, ECONOMIC, QUALITY, QUANTITY, SOCIAL, TIMELINESS
from .checks import check_parts, check_standards
from .naming import (
    compose,
    cut_at_measure,
    ends_with_measure,
    head_np,
    is_verb,
    main_verb,
    money_core,
    money_phrases,
    money_word,
    pos,
    rearranged,
    tail,
    text_of,
    trim,
)
from .numbers import CLAUSE_MARKS, Deadline, Mention, Unused, lexicon, scan
from .parts import derive_totals, disambiguate, link_parts
from .reading import Quantity, Reading
from .sectors import level2_of
from .textspans import Spans

TO_WAN = {"元": 1e-4, "千元": 0.1, "万元": 1.0, "亿元": 1e4}


class _Reader:
    def __init__(self, text: str, year: int, budget: float | None, name: str):
        self.scan = scan(text, year)
        self.t = self.scan.text
        cut = [(m.start, m.end) for m in self.scan.mentions] + [s for m in self.scan.mentions for s in m.per_spans]
        cut += [(d.start, d.end) for d in self.scan.deadlines]
        self.tx = Spans(self.t, cut)
        self.year, self.budget, self.project = year, budget, name
        self.out = Reading(self.t, unused=list(self.scan.unused))
        self.claimed = 0  # end of the text the previous number used for its name
        self.prev: Mention | None = None
        money = [m for m in self.scan.mentions if m.group == "money"]
        self.n_standards = sum(1 for k, m in enumerate(money) if m.per or (k and money[k - 1].per and self.t[money[k - 1].end : m.start][:1] in "、和及"))

    def read(self) -> Reading:
        lx = lexicon()
        items = sorted([*self.scan.mentions, *self.scan.deadlines], key=lambda x: x.start)
        for k, item in enumerate(items):
            nxt = items[k + 1].start if k + 1 < len(items) else len(self.t)
            if isinstance(item, Deadline):
                self._deadline(item)
                continue
            m = item
            ca, cb = self.tx.clause(m.start)
            lb = max(ca, self.claimed)
            left = self.tx.plain(lb, m.start)
            right = self.t[m.end : min(nxt, cb)]
            self.claimed = m.end
            self._inherit(m, left)
            if m.group == "money":
                self._money(m, left)
            elif m.group == "percent":
                self._rate(m, left)
            elif m.group in ("time", "hours"):
                self._time(m, left)
            elif self._is_frequency(m):
                self._frequency(m, left, right)
            elif m.group == "length" and tail(left) and text_of(tail(left))[-1:] in lx.dimensions:
                self._dimension(m, left)
            else:
                self._count(m, left, right)
            self.prev = m
        link_parts(self.out, self.tx)
        derive_totals(self.out, self.tx)
        disambiguate(self.out, self.tx)
        check_parts(self.out)
        check_standards(self.out, self.budget)
        return self.out

    def _inherit(self, m: Mention, left: str) -> None:
        """A list shares its per words: 户均补助C级1.5万元、D级3.5万元 -> both per 户."""
        p = self.prev
        if p and not m.per and p.per and p.group == m.group and self.tx.clause(p.start) == self.tx.clause(m.start):
            between = self.t[p.end : m.start]
            if re.fullmatch(r"[、和及与]?[\u4e00-\u9fffA-Za-z]{0,6}", between):
                m.per = list(p.per)

    def _is_frequency(self, m: Mention) -> bool:
        lx = lexicon()
        timed = any(p in lx.per_year or p == "日" for p in m.per)
        return timed and m.group in ("frequency", "events", "count")

    # --- one method per kind of number -----------------------------------------------------------
    def _add(self, m: Mention, name: str, level2: str, kind: str, value: str | None = None, **kw) -> Quantity:
        amount = m.amount * TO_WAN[m.unit] if m.group == "money" and m.unit in TO_WAN else m.amount
        q = Quantity(name, level2, value or m.value, kind, m.text, m.number, m.unit, list(m.per), amount, start=m.start, **kw)
        self.out.quantities.append(q)
        return q

    def _per_lead(self, m: Mention) -> str:
        """'亩均' / '人均' / '月人均' written before a standard, kept in its name (亩均投资标准)."""
        for a, b in m.per_spans:
            w = self.t[a:b]
            if w.endswith("均"):
                return w
        return ""

    def _count(self, m: Mention, left: str, right: str) -> None:
        lx = lexicon()
        measure = lexicon().measure(m.group)
        np = cut_at_measure(head_np(right))
        if text_of(np) in lx.bare_measures:
            np = []
        own = text_of(np)  # the words this number claims (the next number may name itself after the rest)
        if own in lx.generic_nouns:  # 3个项目补助尾款结算 -> 补助尾款结算项目数
            rest = trim(pos(right[len(own) :]))
            if rest:
                np = [(text_of(rest) + text_of(np), "n")]
                measure = "数"
        phrase = tail(left)
        words = ""
        if np:  # 7个林场, 4.6万农村人口
            self.claimed = m.end + max(right.find(own) + len(own), 0)
            obj = text_of(np)
            beneficiary = len(phrase) == 1 and phrase[0][0] in lx.beneficiary_verbs
            people = m.group in ("people", "households", "visits") and any(obj.endswith(w) for w in lx.population)
            if len(obj) == 1 and m.group == "count":  # 86辆车 -> 车辆数量
                obj = obj + m.unit if _is_word(obj + m.unit) else obj
            name = ("受益" if beneficiary and people else "") + compose([(obj, "n")], measure, reorder=False)
            words = obj
        elif phrase:  # 修建作业道30公里, 受益群众3800人
            name = compose(phrase, measure)
            rest = text_of(phrase[1:])
            if phrase[0][0] in lx.beneficiary_verbs and any(rest.endswith(w) for w in lx.population):
                name = compose([("受益" + rest, "n")], measure, reorder=False)  # 惠及群众3000人 -> 受益群众人数
            lead = 0
            while lead < len(phrase) - 1 and is_verb(phrase[lead]):
                lead += 1
            obj, words = text_of(phrase[lead:]), text_of(phrase)
            prev = self.out.quantities[-1] if self.out.quantities else None
            listed = prev is not None and prev.kind == "count" and left[:1] in "、和及与" and self.tx.clause(prev.start) == self.tx.clause(m.start)
            if listed and not any(is_verb(t) for t in phrase) and not ends_with_measure(text_of(phrase)):
                ptoks = list(pos(prev.words))
                k = main_verb(ptoks)
                if k is not None:  # 建设灌溉渠道46公里、机耕路32公里 -> 机耕路建设长度
                    name = f"{text_of(phrase)}{ptoks[k][0]}{measure}"
            bare = re.sub("(" + "|".join(lx.measures) + ")$", "", name)
            if bare in ("", "总", "总计", "合计", "共计") and prev is not None and prev.obj:  # 总面积 -> 口袋公园总面积
                name = prev.obj + name
        elif m.per:  # 每村一套
            name = f"每{m.per[0]}{m.unit}数" if m.group == "count" else f"每{m.per[0]}{measure}"
            obj = ""
        else:  # 共二百一十五人, 预计8家, 接种2800人、5600剂次
            name, obj = self._unnamed_count(m, measure)
        benefit = any(w in name for w in lx.benefit_words)
        level2 = QUALITY if m.group == "score" else SOCIAL if benefit else QUANTITY  # 考核得分≥85分 is a quality
        self._add(m, name, level2, "count", obj=obj, words=words)

    def _unnamed_count(self, m: Mention, measure: str) -> tuple[str, str]:
        """A number with no words of its own: the verb of the list it continues (接种2800人、5600剂次),
        the money it is paid (补助人数), whom the sentence serves (对……), or an earlier clause's object."""
        if m.group in ("frequency", "events", "incidents"):  # 开展消防安全检查，全年不少于4次
            for a, b in [self.tx.clause(m.start), *self.tx.earlier_clauses(m.start)]:
                act = self.tx.activity(a, b)
                if act:
                    return compose(act, measure, reorder=False), ""
        prev = self.out.quantities[-1] if self.out.quantities else None
        if prev is not None and prev.kind == "count" and self.tx.clause(prev.start) == self.tx.clause(m.start):
            verb = next((w for w, t in pos(prev.words) if is_verb((w, t))), "")
            if verb:
                return f"{verb}{measure}", ""
        if m.group in ("people", "visits", "households"):
            std = next((q for q in reversed(self.out.quantities) if q.kind == "standard"
                        and self.tx.sentence(q.start) == self.tx.sentence(m.start)), None)
            if std is not None:
                return f"{std.money_name}{measure}", ""
            sa, sb = self.tx.sentence(m.start)
            near = [p for _, p in money_phrases(self.tx.plain(sa, sb)) if len(p) == 1 and is_verb(p[0])]
            if near:
                return f"{near[0][0][0]}{measure}", ""
        for a, b in self.tx.earlier_clauses(m.start):
            obj = self.tx.object(a, b)
            if obj:
                return compose(obj, measure, reorder=False), text_of(obj)
        return f"{self._core()}{measure}", ""

    def _frequency(self, m: Mention, left: str, right: str) -> None:
        lx = lexicon()
        act = lx.unit_activity.get(m.unit, "") or text_of(trim(pos(right))) or text_of(tail(left))
        if not act:
            for a, b in self.tx.earlier_clauses(m.start):
                act = text_of(self.tx.activity(a, b))
                if act:
                    break
        self._add(m, (act.replace("、", "") or "作业") + "频次", QUANTITY, "frequency")

    def _rate(self, m: Mention, left: str) -> None:
        phrase = text_of(tail(left)).replace("、", "")
        name = phrase if phrase.endswith(tuple(lexicon().rate_words)) else (phrase + "率" if phrase else "任务完成率")
        self._add(m, name, level2_of(name, QUALITY), "rate")

    def _time(self, m: Mention, left: str) -> None:
        phrase = text_of(tail(left))
        if m.unit in ("天", "工作日", "学时", "课时"):
            if not phrase:
                for a, b in self.tx.earlier_clauses(m.start):
                    phrase = text_of(self.tx.activity(a, b))
                    if phrase:
                        break
            people = [p for p in m.per if p in ("人", "人次")]
            others = [p for p in m.per if p not in people]
            lead = ("人均" if people else "") + "".join(f"每{p}" for p in others)
            measure = "学时" if m.unit in ("学时", "课时") else "天数"
            value = m.value.split("/")[0]
            self._add(m, f"{lead}{phrase}{measure}", QUANTITY, "days", value=value)
            return
        name = phrase if re.search(r"(时间|期限|周期|时限|年限|时长)$", phrase) else f"{phrase or self._core()}期限"
        self._add(m, name, TIMELINESS, "duration")

    def _dimension(self, m: Mention, left: str) -> None:
        lx = lexicon()
        phrase = text_of(tail(left))
        subject = phrase[:-1]
        if not subject:
            prev = next((q for q in reversed(self.out.quantities) if q.kind == "dimension"), None)
            subject = prev.obj if prev else ""
        self._add(m, subject + lx.dimensions[phrase[-1]], QUALITY, "dimension", obj=subject)

    def _money(self, m: Mention, left: str) -> None:
        lx = lexicon()
        phrase = tail(left)
        text = text_of(phrase).replace("、", "")
        if m.per:
            self._standard(m, phrase)
            return
        amount = m.number * TO_WAN.get(m.unit, 1.0)
        if any(w in text for w in lx.benefit_money):
            toks = [t for t in phrase if t[0] not in ("增加", "实现", "带动", "提高", "促进", "促使")]
            name = text_of(trim(toks)).replace("、", "")
            self._add(m, name or "经济效益金额", ECONOMIC, "benefit")
            return
        if self.budget and abs(amount - self.budget) <= max(0.01, 0.002 * self.budget):
            self.out.unused.append(Unused(m.text, "即项目预算数，已写入成本指标", m.start))
            return
        self._add(m, compose(phrase, "金额") if phrase else "项目支出金额", COST, "money")

    def _standard(self, m: Mention, phrase: list) -> None:
        """每人每月300元 -> 补助标准 300元/人·月; a label before it (C级, 二级系统) says which standard."""
        sa, sb = self.tx.sentence(m.start)
        prev = next((q for q in reversed(self.out.quantities) if q.kind == "standard" and sa <= q.start < sb), None)
        core = money_core(phrase)
        if core:
            label = [t for t in phrase if t not in core and not is_verb(t) and t[1] != "d"] if self.n_standards > 1 else []
            paying = is_verb(core[0]) and money_word(core[0][0]) and len(core) > 1  # 补助药剂费 -> 药剂费补助
            money = rearranged(core) if paying else text_of(core)
        elif prev is not None:  # D级3.5万元 after 户均补助C级1.5万元
            label, money = phrase, prev.money
        else:
            near = sorted(money_phrases(self.tx.plain(sa, sb)), key=lambda x: abs(x[0] - (m.start - sa)))
            label, money = phrase, (rearranged(money_core(near[0][1]) or near[0][1]) if near else "补助")
        lead = self._per_lead(m)
        name = f"{text_of(label)}{lead}{money}"
        name = name if name.endswith(("标准", "单价")) else name + "标准"
        self._add(m, name, COST, "standard", money=money, words=text_of(label))

    def _deadline(self, d: Deadline) -> None:
        lx = lexicon()
        ca, cb = self.tx.clause(d.start)
        after = trim(pos(self.t[d.end : cb]))
        verb = d.verb
        short = verb.replace("到位", "").replace("到户", "").replace("完毕", "完成") or verb
        if after:  # 4月底前完成汛前设备检修
            name = f"{text_of(after)}{verb}时间"
            self.claimed = cb
        elif any(v in verb for v in lx.payment_verbs):
            sa, sb = self.tx.sentence(d.start)
            phrases = [text_of(p) for _, p in money_phrases(self.tx.plain(sa, sb))]
            nouns = [p for p in phrases if p.endswith(("金", "资金", "费", "经费"))]
            money = nouns[0] if nouns else (money_word(phrases[0]) if phrases else "") or "资金"
            money = money if money.endswith(("金", "费")) else money + "资金"
            name = f"{money}{short}时间"
        elif verb in ("完成", "完工", "竣工", "验收"):
            name = f"{self._core()}{verb}时间"
        else:
            obj = self.tx.object_of_verb(short[:2], d.start) or self.tx.first_object(d.start)
            name = f"{text_of(obj) or self._core()}{short}时间"
        q = Quantity(name, TIMELINESS, d.value(self.year), "deadline", d.text, float(d.month) if d.month else None, start=d.start)
        self.out.quantities.append(q)
        if not d.recurring and (self.out.deadline is None or (d.month or 12) >= (self.out.deadline.number or 0)):
            self.out.deadline = q

    def _core(self) -> str:
        """The project name without its generic ending: what 完成时间 is the completion of."""
        name = re.sub(r"[（(][^）)]*[)）]$", "", self.project or "")
        name = re.sub(r"(项目|经费|资金|专项资金|专项|工作经费)+$", "", name)
        return name or "项目"


def _is_word(w: str) -> bool:
    """Whether jieba's dictionary knows a word (车辆 yes, 树棵 no)."""
    import jieba

    from ..tokens import init_tokenizer

    init_tokenizer()
    return bool(jieba.dt.FREQ.get(w))


def read_description(text: str, year: int, budget: float | None = None, name: str = "") -> Reading:
    """Every number of a description as a named row or an unused entry with why."""
    return _Reader(text or "", year, budget, name).read()


__all__ = ["CLAUSE_MARKS", "Quantity", "Reading", "read_description"]
