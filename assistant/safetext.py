"""Untrusted text made safe to show: anything from a document, the knowledge base or a model.

Streamlit renders Markdown almost everywhere (text, labels, expanders, tabs, tooltips, alerts), and so do
Markdown viewers of a downloaded report. A document cell holding `![](http://host/x.png)` would make every
reader's browser fetch that address, and `[点我](javascript:…)` would render as a link. `plain` turns such
text into Markdown that shows it literally: every ASCII punctuation mark is backslash-escaped (CommonMark
allows that for all of them), so no image, link, HTML tag, emphasis, `:colour[…]` directive, emoji
shortcode or formula survives; a zero-width space after `http`/`www`/`@` stops the bare-URL autolinks
that GFM adds even to escaped text. `model_markdown` keeps what a model answer may format (paragraphs,
lists, bold) and shows everything else literally.
"""

from __future__ import annotations

import re

_PUNCT = re.compile(r"([!-/:-@\[-`{-~])")  # every ASCII punctuation character
_AUTOLINK = re.compile(r"(?i)(https?|ftp|mailto|xmpp|www|@)")
_ZWSP = "\u200b"
_LIST = re.compile(r"^\s*(?:([-*+•·])|(\d{1,3})[.)、])\s+(.*)$")
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$")
_BOLD = re.compile(r"\*\*(.+?)\*\*|__(.+?)__")


def _escape(text: str) -> str:
    text = _AUTOLINK.sub(lambda m: m.group(1) + _ZWSP, text)
    return _PUNCT.sub(r"\\\1", text)


def inline(text: object) -> str:
    """One line of untrusted text as literal Markdown (labels, table cells, list items)."""
    s = "" if text is None else str(text)
    return _escape(" ".join(s.split()))


def plain(text: object) -> str:
    """Untrusted text as literal Markdown; its line breaks are kept, leading indentation dropped (an
    indented line would otherwise become a code block)."""
    s = "" if text is None else str(text)
    lines = [_escape(line.strip()) for line in s.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    out: list[str] = []
    for line in lines:
        if out and out[-1] and line:
            out[-1] += "  "  # a hard line break, as in the source
        out.append(line)
    return "\n".join(out)


def _formatted_line(line: str) -> str:
    """One line of a model answer: bold kept, everything else literal."""
    parts, last = [], 0
    for m in _BOLD.finditer(line):
        parts.append(_escape(line[last : m.start()]))
        inner = (m.group(1) or m.group(2)).strip()
        parts.append(f"**{_escape(inner)}**" if inner else "")
        last = m.end()
    parts.append(_escape(line[last:]))
    return "".join(parts)


def model_markdown(text: object) -> str:
    """A model answer as Markdown with only paragraphs, lists (- item, 1. item) and **bold**; images,
    links, raw HTML, code, headings and every other construct are shown as the literal text the model
    wrote (a heading becomes a bold line). Citation markers such as [1] stay as text."""
    s = "" if text is None else str(text)
    out: list[str] = []
    for raw in s.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        if not raw.strip():
            out.append("")
            continue
        if m := _HEADING.match(raw):
            body = _formatted_line(m.group(1))
            out.append(f"**{body}**" if body else "")
            continue
        if m := _LIST.match(raw):
            bullet, number, body = m.groups()
            marker = f"{number}." if number else "-"
            out.append(f"{marker} {_formatted_line(body.strip())}")
            continue
        line = _formatted_line(raw.strip())
        if out and _LIST.match(out[-1]):
            out.append("")  # the list ends here instead of swallowing the line
        elif out and out[-1]:
            out[-1] += "  "
        out.append(line)
    return "\n".join(out)


def cell(text: object) -> str:
    """A Markdown pipe-table cell: literal text, line breaks as <br> (the one tag we write ourselves)."""
    s = "" if text is None else str(text)
    return "<br>".join(inline(line) for line in s.replace("\r", "").split("\n"))
