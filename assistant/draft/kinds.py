"""What kind of spending a project is, whatever its sector (subsidy, construction, procurement, purchased
service, training), and the quality and timeliness rows staff set for that kind (data in
draft_templates.yaml: project_types)."""

from __future__ import annotations

from dataclasses import dataclass

from .naming import head_np, money_word, text_of
from .reading import Reading
from .templates import templates


@dataclass
class TypeRow:
    level2: str
    level3: str
    description: str
    value: str
    basis: str
    kind: str  # the project type it comes from


def project_types(text: str, reading: Reading, name: str = "") -> list[dict]:
    """The types whose words the project has (subsidy also when the description gives a standard), the
    one named last in the project name first: the head of a Chinese name is at its end
    (…精准补贴和节水奖励项目小型水库水标尺制作安装 is an installation)."""
    subsidy_words = next((t["words"] for t in templates().get("project_types", []) if t["id"] == "subsidy"), [])
    paid = any(q.kind == "standard" and any(w in q.money for w in subsidy_words) for q in reading.quantities)
    found = []
    for k, t in enumerate(templates().get("project_types", [])):
        in_name = [w for w in t["words"] + t.get("name_words", []) if w in name]
        if any(w in text for w in t["words"]) or in_name or (t["id"] == "subsidy" and paid):
            at = max((name.rfind(w) + len(w) for w in in_name), default=-1)
            found.append((-(at if not paid or t["id"] != "subsidy" else len(name) + 1), k, t))
    return [t for _, _, t in sorted(found, key=lambda x: (x[0], x[1]))]


def _money(text: str, reading: Reading) -> str:
    std = next((q for q in reading.quantities if q.kind == "standard"), None)
    word = money_word(std.money) if std is not None and std.money else ""
    if not word:
        for w in ("补助", "补贴", "资助", "救助", "奖励", "津贴"):
            if w in text:
                word = w
                break
    return word or "补助"


def _object(text: str, words: list[str]) -> str:
    for w in words:
        at = text.find(w)
        if at >= 0:
            np = head_np(text[at + len(w) :])
            if np and len(text_of(np)) >= 2:
                return text_of(np)
    return "设备物资"


def _fill(s: str, fill: dict[str, str]) -> str:
    for k, v in fill.items():
        s = s.replace(k, v)
    return s


def type_rows(text: str, reading: Reading, level2: str, name: str = "") -> list[TypeRow]:
    out = []
    for t in project_types(text, reading, name):
        for r in t.get("rows", []):
            if r["l2"] != level2:
                continue
            fill = {"{money}": _money(text, reading), "{object}": _object(text, t["words"]) if "{object}" in r["level3"] else ""}
            level3, description = _fill(r["level3"], fill), _fill(r["description"], fill)
            out.append(TypeRow(level2, level3, description, str(r["value"]), r["basis"], t["id"]))
    return out
