"""Chinese tokens for matching and keyword search: jieba with the domain dictionary, no stopwords.

jieba's search mode keeps a domain word whole (美国白蛾, 不动产登记) and also emits its dictionary
parts (白蛾, 不动产, 登记), so a query for the whole word and one for a part both match.
"""

from __future__ import annotations

import hashlib
import logging
import re
import threading
from pathlib import Path

from .settings import Settings, get_settings

DOMAIN_DICT = Path(__file__).resolve().parent / "data" / "domain_dict.txt"

# Function words and filler that carry no meaning for matching; single punctuation is dropped by regex.
_STOPWORD_TEXT = (
    "的 了 和 与 及 或 等 在 对 为 将 把 被 是 有 要 个 这 那 其 之 以 于 由 从 到 中 上 下 年 明年 今年 "
    "搞 做 想 请 问 一下 哪些 哪个 什么 怎么 如何 多少 是否 吗 呢 吧 啊 我们 我 你 他 它 相关 关于 "
    "项目 指标 情况 工作"
)
STOPWORDS = frozenset(_STOPWORD_TEXT.split())
_PUNCT = re.compile(r"^[\s\W_]+$")
# Stored with each record beside its tokens: BM25 rebuilds from them without re-running jieba,
# and falls back to tokenizing the text when the dictionary or stopwords have changed since.
TOKENIZER_VERSION = hashlib.sha256(DOMAIN_DICT.read_bytes() + _STOPWORD_TEXT.encode()).hexdigest()[:8]
TOKEN_KEYS = ("tokens", "tokenizer")

_jieba_lock = threading.Lock()
_jieba_ready = False


def init_tokenizer(settings: Settings | None = None):
    """jieba with the domain dictionary loaded, once per process. Its cache goes to the app's cache
    dir, not $TMPDIR; the first caller's settings decide (a KnowledgeBase passes its own)."""
    global _jieba_ready
    import jieba

    if _jieba_ready:
        return jieba
    with _jieba_lock:
        if not _jieba_ready:
            cache_dir = (settings or get_settings()).cache_dir
            cache_dir.mkdir(parents=True, exist_ok=True)
            jieba.setLogLevel(logging.WARNING)
            jieba.dt.tmp_dir = str(cache_dir)
            jieba.dt.initialize()
            jieba.load_userdict(str(DOMAIN_DICT))
            _jieba_ready = True
    return jieba


def tokenize(text: str, settings: Settings | None = None) -> list[str]:
    """Search-mode jieba tokens, lower-cased, without punctuation and stopwords."""
    jieba = init_tokenizer(settings)
    out = []
    for tok in jieba.cut_for_search(text or ""):
        tok = tok.strip().lower()
        if tok and tok not in STOPWORDS and not _PUNCT.match(tok):
            out.append(tok)
    return out
