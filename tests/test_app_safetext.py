"""Untrusted text made safe to show (assistant/safetext.py): whatever a document, the knowledge base or a
model writes, the Markdown we hand to Streamlit (or write into a downloaded report) renders no image, no
link and no HTML, and reads as the text itself. Rendered here with markdown-it (CommonMark + tables)."""

from __future__ import annotations

import re

import pytest
from markdown_it import MarkdownIt

from assistant.safetext import cell, inline, model_markdown, plain

HOSTILE = [
    "![](http://127.0.0.2/doc-name.png)",
    '<img src="http://127.0.0.2/x.png" onerror="alert(1)">',
    "[点我](javascript:alert(1)) [链接](http://127.0.0.2/a)",
    "<script>alert(1)</script><b>粗</b>",
    "http://127.0.0.2/bare www.example.com mail@example.com",
    ":red[红字] :material/home: :smile: $x^2$",
    "*斜* **粗** `代码` ~~删~~ <http://127.0.0.2/angle>",
    "# 标题\n> 引用\n- 列表\n1. 编号\n    缩进代码\n| a | b |\n|---|---|",
    "[x]: http://127.0.0.2/ref\n[点我][x]",
]
MD = MarkdownIt("commonmark").enable("table").enable("strikethrough")


def rendered(markdown: str) -> str:
    return MD.render(markdown)


def shown(markdown: str) -> str:
    """The visible text of rendered Markdown."""
    return re.sub(r"<[^>]+>", "", rendered(markdown)).replace("\u200b", "")


@pytest.mark.parametrize("text", HOSTILE)
def test_plain_shows_hostile_text_literally(text):
    html = rendered(plain(text))
    assert not re.search(r"<(img|a|script|b|em|strong|code|h\d|blockquote|ul|ol|pre|table|del)\b", html), html
    visible = shown(plain(text)).replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&amp;", "&")
    for line in text.splitlines():
        assert line.strip() in visible  # every character is still there, as text
    # GFM turns bare URLs into links even inside text; a zero-width space after the scheme prevents it
    assert not re.search(r"https?://|www\.|@example", plain(text).replace("\\", ""))


@pytest.mark.parametrize("text", HOSTILE)
def test_inline_and_cell_stay_on_one_line(text):
    assert "\n" not in inline(text)
    assert "\n" not in cell(text) and "|" not in cell(text).replace("\\|", "")
    assert not re.search(r"<(img|a|script)\b", rendered(f"| h |\n|---|\n| {cell(text)} |"))


def test_model_answers_keep_paragraphs_lists_and_bold_only():
    answer = (
        "## 结论\n项目8的**预算数**为31.98万元[1]。\n\n- 第一条 ![](http://127.0.0.2/md-img-chat.png)\n"
        "2. 第二条 <img src=http://127.0.0.2/y.png>\n[点我](javascript:alert(1))"
    )
    html = rendered(model_markdown(answer))
    assert "<strong>预算数</strong>" in html and "<strong>结论</strong>" in html
    assert "<ul>" in html and "<ol" in html
    assert not re.search(r"<(img|a|h2|script)\b", html)
    text = shown(model_markdown(answer))
    assert "[1]" in text and "![](http://127.0.0.2/md-img-chat.png)" in text and "[点我](javascript:alert(1))" in text


def test_plain_keeps_line_breaks_and_none_is_empty():
    assert plain(None) == "" and inline(None) == ""
    assert "<br" in rendered(plain("第一行\n第二行"))
