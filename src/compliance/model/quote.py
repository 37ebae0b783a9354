"""Quote-table fees (报价表): unit price × quantity per service line and year.

城北 附件1 prices each service line per year (驻点服务 7 个月 × 100,000 = 700,000 …),
states each year's subtotal and the total. The table is checked when the contract
loads: every line's unit price × quantity must equal its stated amount, every
year's lines must add up to its stated subtotal, the subtotals to the total, and
the total to the contract price. A mismatch names the line.
"""
from __future__ import annotations

from decimal import Decimal

from pydantic import Field, model_validator

from compliance.model import money
from compliance.model.fieldtypes import MAX_COUNT, Money, Strict


class QuoteLine(Strict):
    id: str
    label: str
    quantity: int = Field(ge=1, le=MAX_COUNT)
    unit_price: Money
    amount: Money
    note: str | None = None

    @model_validator(mode="after")
    def _multiplies(self) -> "QuoteLine":
        computed = self.unit_price * self.quantity
        if computed != self.amount:
            raise ValueError(f"报价表第 {self.id} 行：{self.quantity} × {money.grouped(self.unit_price)}"
                             f" = {money.grouped(computed)}，但表中写的是 "
                             f"{money.grouped(self.amount)}")
        return self


class QuoteYear(Strict):
    id: str
    label: str
    lines: list[QuoteLine]
    subtotal: Money

    @model_validator(mode="after")
    def _adds_up(self) -> "QuoteYear":
        computed = sum((line.amount for line in self.lines), Decimal("0"))
        if computed != self.subtotal:
            raise ValueError(f"报价表 {self.id} 年度：各行合计 {money.grouped(computed)}，"
                             f"但表中写的小计是 {money.grouped(self.subtotal)}")
        return self


class QuoteTable(Strict):
    """The whole 报价表; ``total`` must also equal the contract's total price."""

    clause: str
    years: list[QuoteYear]
    total: Money

    @model_validator(mode="after")
    def _adds_up(self) -> "QuoteTable":
        computed = sum((year.subtotal for year in self.years), Decimal("0"))
        if computed != self.total:
            raise ValueError(f"报价表各年度小计合计 {money.grouped(computed)}，"
                             f"但表中写的总计是 {money.grouped(self.total)}")
        ids = self.line_ids()
        if len(set(ids)) != len(ids):
            raise ValueError("报价表各行的 id 不得重复")
        return self

    def lines_by_id(self) -> dict[str, QuoteLine]:
        return {line.id: line for year in self.years for line in year.lines}

    def line_ids(self) -> list[str]:
        return [line.id for year in self.years for line in year.lines]
