"""The chat engine's word lists (lexicon.yaml), loaded once, with the few lookups every module needs."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ..errors import InputError
from ..values import normalize_text
from ..yamlfile import read_yaml

LEXICON_FILE = Path(__file__).with_name("lexicon.yaml")
_KEYS = {
    "question_words", "soft_words", "fields", "synonyms", "answer_types", "units", "follow_up",
    "row_follow_up", "intents", "department", "sections", "months", "compare", "columns", "per_unit",
    "unit_equivalents", "defect_kinds",
}


def _phrases(items) -> tuple[str, ...]:
    """Normalised phrases, longest first (so 预算数 is tried before 预算)."""
    out = {normalize_text(str(x)) for x in items or ()}
    return tuple(sorted((x for x in out if x), key=len, reverse=True))


@dataclass(frozen=True)
class Lexicon:
    question_words: tuple[str, ...]
    soft_words: frozenset[str]
    fields: dict[str, tuple[str, ...]]
    synonyms: dict[str, frozenset[str]]  # word -> its group (itself included)
    answer_types: dict[str, tuple[str, ...]]
    units: tuple[str, ...]
    follow_up: tuple[str, ...]
    row_follow_up: tuple[str, ...]
    intents: dict[str, tuple[str, ...]]
    department: tuple[str, ...]
    sections: dict[str, tuple[str, ...]]
    months: dict[str, str]
    compare: dict[str, tuple[str, ...]]
    columns: dict[str, tuple[str, ...]]
    per_unit: tuple[str, ...]
    unit_groups: tuple[frozenset[str], ...]
    defect_kinds: dict[str, tuple[str, ...]]

    def has(self, text: str, intent: str) -> str | None:
        """The first cue of `intent` (an `intents` key) found in `text`."""
        return first(text, self.intents.get(intent, ()))

    def variants(self, word: str) -> frozenset[str]:
        return self.synonyms.get(word, frozenset((word,)))

    def same_unit(self, asked: str, text: str) -> bool:
        """Whether `text` carries the asked unit or one that answers it (多少名 -> 人; 多少个 -> 处)."""
        if asked in text:
            return True
        for group in self.unit_groups:
            if asked in group and any(u in text for u in group):
                return True
        return False


def first(text: str, phrases: tuple[str, ...]) -> str | None:
    """The first (longest) phrase that occurs in `text`."""
    return next((p for p in phrases if p in text), None)


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    data = read_yaml(LEXICON_FILE, "问答词表")
    unknown = set(data) - _KEYS
    if unknown:
        raise InputError(f"问答词表「{LEXICON_FILE}」有未知的键：{'、'.join(sorted(unknown))}。可用的键：{'、'.join(sorted(_KEYS))}。")
    synonyms: dict[str, set[str]] = {}
    for group in data["synonyms"]:
        words = set(_phrases(group))
        for w in words:
            synonyms.setdefault(w, set()).update(words)
    return Lexicon(
        question_words=_phrases(data["question_words"]),
        soft_words=frozenset(_phrases(data["soft_words"])),
        fields={k: _phrases(v) for k, v in data["fields"].items()},
        synonyms={k: frozenset(v) for k, v in synonyms.items()},
        answer_types={k: _phrases(v) for k, v in data["answer_types"].items()},
        units=_phrases(data["units"]),
        follow_up=_phrases(data["follow_up"]),
        row_follow_up=_phrases(data["row_follow_up"]),
        intents={k: _phrases(v) for k, v in data["intents"].items()},
        department=_phrases(data["department"]),
        sections={k: _phrases(v) for k, v in data["sections"].items()},
        months={normalize_text(str(k)): v for k, v in data["months"].items()},
        compare={k: _phrases(v) for k, v in data["compare"].items()},
        columns={k: _phrases(v) for k, v in data["columns"].items()},
        per_unit=_phrases(data["per_unit"]),
        unit_groups=tuple(frozenset(_phrases(g)) for g in data["unit_equivalents"]),
        defect_kinds={k: _phrases(v) for k, v in data["defect_kinds"].items()},
    )
