"""Review: deterministic rules first, then optional LLM checks, one Finding shape for both.

    reviewer, notices = assistant.engines.reviewer(settings, use_llm=False)
    result = reviewer.review(read_document("绩效文本.docx"))
"""

from __future__ import annotations

from .reviewer import LLMChecker, Reviewer, ReviewResult, review_document, review_file, review_project

__all__ = ["LLMChecker", "ReviewResult", "Reviewer", "review_document", "review_file", "review_project"]
