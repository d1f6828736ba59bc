"""The LLM answer is checked before it is shown: the offline engine's computed facts stay ground truth.

An answer is replaced by the offline engine's (with a notice saying why) when it cites an id the request
did not give or quotes text that is not in the cited source, when it cites nothing at all, when it states a
number found neither in the cited material nor in the offline engine's computed answer (a budget of 999万元,
a total of its own), or when it says a document has no problems although the reviewer's rules found some.
"""

from __future__ import annotations

import re

from ..models import Answer
from ..values import normalize_text

_NUMBER = re.compile(r"(?<![A-Za-z0-9.])\d+(?:\.\d+)?")
_MARKER = re.compile(r"\[\d+\]")
_NO_PROBLEMS = re.compile(r"没有(?:发现)?(?:任何)?(?:问题|缺陷|错误)|无(?:任何)?问题|未发现(?:任何)?(?:问题|缺陷)|不存在(?:任何)?问题|符合要求，?无需修改")
_FINDINGS = re.compile(r"^共发现 (\d+) 处")


def _numbers(text: str) -> set[float]:
    return {float(n) for n in _NUMBER.findall(normalize_text(text))}


def _grounded(n: float, pool: set[float]) -> bool:
    """A number the material states, also when converted between 元 and 万元 (15000元 = 1.5万元)."""
    return any(abs(n - m) < 1e-6 or abs(n * 1e4 - m) < 1e-3 or abs(n - m * 1e4) < 1e-3 for m in pool)


def problem(answer: Answer, removed: int, offline: Answer | None, material: str, question: str) -> str | None:
    """Why the LLM answer may not be shown (in Chinese), or None when it may."""
    if removed:
        return f"有 {removed} 处引用在原文中不存在或与原文不符"
    if answer.not_found:
        return None
    if not answer.citations:
        return "回答没有可核对的引用"
    computed = offline.text if offline is not None and not offline.not_found else ""
    if computed and _FINDINGS.match(computed) and _NO_PROBLEMS.search(answer.text):
        return f"审核规则发现了 {_FINDINGS.match(computed).group(1)} 处问题，大模型却说没有问题"
    pool = _numbers(material) | _numbers(computed) | _numbers(question)
    pool |= {float(c.location.table) for c in answer.citations if c.location.table is not None}
    stray = sorted({n for n in _numbers(_MARKER.sub("", answer.text)) if not _grounded(n, pool)})
    if stray:
        shown = "、".join(f"{n:g}" for n in stray[:3])
        return f"回答中的数字（{shown}）在原文和程序计算结果中都找不到"
    return None
