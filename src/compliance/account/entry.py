"""One entry of a contract's account: an amount that moves between buyer and vendor, with the
clause it comes from, the day it arose, the day it is due, and where it is written.

The balance is what the buyer still owes the vendor (negative: what the vendor owes the
buyer): fees earned, the interest of an instalment once due and interest the buyer owes add to
it; deductions, penalties and every
payment the buyer makes take from it; a claim the buyer waived or withdrew, a charge over a
cap (``kinds/cap``: 超过上限不予扣除), and a payment the vendor makes (补足, a refund), add back.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from compliance.model import money

KIND_LABELS = {
    "earned": "应得服务费", "deduction": "扣款", "penalty": "违约金", "waived": "放弃或撤回的扣款、违约金",
    "capped": "超过上限不予扣除的扣款", "instalment_interest": "分期付款利息",
    "interest": "甲方迟延付款违约金", "unearned": "解除后不再应得的服务费", "buyer_penalty": "甲方违约金",
    "paid_to_vendor": "甲方付款", "paid_by_vendor": "乙方支付（补足或退还）",
    "interest_paid": "甲方支付迟延付款违约金",
}
SIGN = {"earned": 1, "instalment_interest": 1, "interest": 1, "paid_by_vendor": 1, "waived": 1,
        "capped": 1, "buyer_penalty": 1,
        "unearned": -1, "deduction": -1, "penalty": -1, "paid_to_vendor": -1, "interest_paid": -1}
"""How each kind moves the balance the buyer owes the vendor."""


@dataclass(frozen=True)
class Entry:
    id: str
    """Stable across views: the same fact gives the same id on every statement as of any day."""
    kind: str
    clause: str | None
    arose: date
    due: date | None
    amount: Decimal
    label: str
    source: str = ""
    """Where it is written: ``period-02.yaml:8``, or the rule that produced it."""
    note: str = ""

    @property
    def signed(self) -> Decimal:
        return SIGN[self.kind] * self.amount

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "kind": self.kind, "kind_label": KIND_LABELS[self.kind],
                "clause": self.clause, "arose": self.arose.isoformat(),
                "due": self.due.isoformat() if self.due else None,
                "amount": money.as_json(self.amount), "signed": money.as_json(self.signed),
                "label": self.label, "source": self.source, **({"note": self.note} if self.note else {})}
