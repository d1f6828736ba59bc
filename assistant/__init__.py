"""绩效目标助手: parse, index, draft, review and answer questions about 部门预算绩效文本."""

__version__ = "0.1.0"
