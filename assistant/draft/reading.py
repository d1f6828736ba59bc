"""What a description commits to: Quantity (one row the description's words call for) and Reading (all of
them, the numbers left unused with why, and the arithmetic checks). Plain data, shared by quantities.py
(which reads) and checks.py (which checks)."""

from __future__ import annotations

from dataclasses import dataclass, field

from .numbers import Unused

PLAN_BASIS = "计划标准（项目实施方案）"


@dataclass
class Quantity:
    """One row the description commits to."""

    name: str
    level2: str
    value: str
    kind: str  # count | frequency | standard | rate | days | duration | dimension | money | benefit | deadline | derived
    source: str  # the words as written: 新造林3万亩
    number: float | None = None
    unit: str = ""
    per: list[str] = field(default_factory=list)
    amount: float | None = None  # in base units (4.6万人 -> 46000), money in 万元
    role: str = ""  # total | part | derived
    parent: int | None = None  # index of the total a part belongs to
    obj: str = ""  # the counted or measured noun (旅游厕所), for naming parts
    money: str = ""  # the money word of a standard (补助), for naming its neighbours
    words: str = ""  # the description's own words the name was made from (新建, 小麦, 防控面积)
    start: int = -1  # where the number is written in Reading.text
    note: str = ""

    @property
    def money_name(self) -> str:
        """What a standard pays (补助, 劳务补助), for naming the people it is paid to (补助人数)."""
        return self.money or "补助"

    @property
    def description(self) -> str:
        how = {
            "standard": f"反映{self.name}的执行情况",
            "rate": f"反映{self.name}达到的水平",
            "deadline": f"反映{self.name.removesuffix('时间')}的时限要求",
            "frequency": f"反映{self.name.removesuffix('频次')}的频次要求",
            "money": f"反映{self.name}的支出控制情况",
            "benefit": f"反映{self.name}的实现情况",
        }
        return how.get(self.kind, f"反映年度{self.name}的完成情况")

    @property
    def basis(self) -> str:
        return "计划标准（补助标准及测算依据）" if self.kind == "standard" else PLAN_BASIS


@dataclass
class Reading:
    text: str  # the normalised description
    quantities: list[Quantity] = field(default_factory=list)
    unused: list[Unused] = field(default_factory=list)
    checks: list[str] = field(default_factory=list)  # sums of parts, standards x numbers vs budget
    deadline: Quantity | None = None

    @property
    def deadline_month(self) -> int | None:
        return self.deadline.number and int(self.deadline.number) if self.deadline else None
