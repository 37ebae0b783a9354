"""服务成果交付计划: a deliverable owed N times over the term at a cadence (酒仙桥 2.2.2: 每季度
1 次的业务培训，全年共 4 次; 2.2.11: 全年共 5 次, no cadence).

The term is cut into windows of the cadence, counted from the start of the term
(quarter 1 = contract months 1–3); each window owes total ÷ windows deliveries, due
by the window's last day. Each delivery the buyer did not reject (``accepted: false``)
fills the earliest unfilled slot whose window has begun; a delivery made before its
window begins fills nothing later (提前交付不计入以后的季度). A slot filled after its
deadline is late; a slot unfilled when its deadline has passed is overdue.

In durable-rules, each slot that turns late or overdue in the month being settled is
a ``slot`` fact; the rule raises the contract's consequences for it. For the term, each
quota is a ``quota`` fact (complete or not) that payment conditions test (酒仙桥 3.2.2).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from compliance.engine.outcome import Outcome
from compliance.model.periods import period
from compliance.engine.kinds.base import Rule

CADENCE_MONTHS = {"monthly": 1, "quarterly": 3, "half_yearly": 6, "yearly": 12}
CADENCE_LABEL = {"monthly": "每月", "quarterly": "每季度", "half_yearly": "每半年",
                 "yearly": "每年", "term": "服务期内"}
WINDOW_NAME = {"monthly": "第{n}个月", "quarterly": "第{n}季度", "half_yearly": "第{n}个半年",
               "yearly": "第{n}年", "term": "服务期内"}


def validate_rule(rule: Rule) -> str | None:
    """The cadence divides the term, and the total divides evenly among its windows."""
    months = _window_months(rule)
    term_months = rule.terms.periods_in_term()
    if term_months % months:
        return f"交付频次 {rule.params.cadence} 不能整分 {term_months} 个月的服务期"
    windows = term_months // months
    if rule.params.total % windows:
        return (f"{rule.params.total} deliveries cannot be spread evenly over {windows} "
                f"{CADENCE_LABEL[rule.params.cadence]} windows")
    return None


def _window_months(rule: Rule) -> int:
    return CADENCE_MONTHS.get(rule.params.cadence) or rule.terms.periods_in_term()


@dataclass(frozen=True)
class Slot:
    """One delivery owed: its window, its deadline, and the delivery that filled it."""

    number: int
    window: str
    opens: date
    deadline: date
    delivered: date | None
    ref: str | None
    source: str | None

    @property
    def days_late(self) -> int:
        return max((self.delivered - self.deadline).days, 0) if self.delivered else 0

    def name(self, label: str) -> str:
        return f"{self.window}{label}（第 {self.number} 次，应于 {self.deadline} 前交付）"

    def fact(self, rule: Rule, current) -> dict:
        """The slot as the durable-rules fact of the month ``current``."""
        return {"t": "slot", "rule": rule.id, "number": self.number, "window": self.window,
                "deadline": self.deadline.isoformat(),
                "delivered": self.delivered.isoformat() if self.delivered else None,
                "is_delivered": int(self.delivered is not None), "days_late": self.days_late,
                "delivered_in_period": int(bool(self.delivered) and current.contains(self.delivered)),
                "due_in_period": int(current.contains(self.deadline)), "ref": self.ref,
                "source": self.source}


def slots(rule: Rule, events, until: date) -> list[Slot]:
    """Every slot of the quota, filled by the deliveries recorded up to ``until``."""
    contract, params = rule.terms, rule.params
    months = _window_months(rule)
    windows = contract.periods_in_term() // months
    per_window = params.total // windows
    owed = []
    for w in range(windows):
        opens = period(contract, w * months + 1).start
        deadline = period(contract, (w + 1) * months).end
        name = WINDOW_NAME[params.cadence].format(n=w + 1)
        owed += [(opens, deadline, name)] * per_window
    fills: list[tuple | None] = [None] * len(owed)
    for recorded in sorted(deliveries(rule, events, until), key=lambda e: (e.event.date, e.source)):
        day = recorded.event.date
        open_slot = next((i for i, (opens, _, _) in enumerate(owed)
                          if fills[i] is None and opens <= day), None)
        if open_slot is not None:
            fills[open_slot] = (day, recorded.event.ref, recorded.source)
    return [Slot(i + 1, name, opens, deadline, *(fill or (None, None, None)))
            for i, ((opens, deadline, name), fill) in enumerate(zip(owed, fills))]


def deliveries(rule: Rule, events, until: date, rejected: bool = False) -> list:
    """The deliveries of this deliverable recorded up to ``until``: those the buyer did not
    reject (``accepted: false``, 不予认可: it fills no slot), or, with ``rejected``, those it did."""
    return [e for e in events if e.event.type == rule.params.event_type
            and e.event.deliverable == rule.params.deliverable and e.event.date <= until
            and (e.event.accepted is False) == rejected]


def label(rule: Rule) -> str:
    return rule.terms.deliverable(rule.params.deliverable).label


def facts(rule: Rule, tally) -> list[dict]:
    """The slots that turn late or overdue in the month being settled."""
    current = tally.period
    return [slot.fact(rule, current) for slot in slots(rule, tally.events, tally.as_of)
            if (slot.delivered and current.contains(slot.delivered) and slot.days_late)
            or (slot.delivered is None and current.contains(slot.deadline)
                and slot.deadline <= tally.as_of)]


def when(rule: Rule) -> list[dict]:
    mine = [{"t": "slot"}, {"rule": rule.id}]
    late = {"$and": [*mine, {"delivered_in_period": 1}, {"$gt": {"days_late": 0}}]}
    overdue = {"$and": [*mine, {"is_delivered": 0}, {"due_in_period": 1}]}
    return [{"all": [{"late": late}]}, {"all": [{"overdue": overdue}]}]


def then(rule: Rule, matched: dict) -> Outcome:
    slot = matched.get("late") or matched["overdue"]
    what = f"{slot['window']}{label(rule)}（第 {slot['number']} 次）应于 {slot['deadline']} 前交付"
    if "late" in matched:
        reason = f"{what}，{slot['delivered']} 交付，逾期 {slot['days_late']} 日"
    else:
        reason = f"{what}，至 {slot['deadline']} 未交付"
    trace = {key: slot[key] for key in ("window", "number", "deadline", "delivered", "ref",
                                         "source") if slot.get(key) is not None}
    return Outcome(flags=rule.flags(rule.params.flags, reason, [{"slot": trace}]))


def progress(rule: Rule, events, until: date) -> dict:
    """Due so far, delivered, late and overdue, as a period statement shows them."""
    filled = slots(rule, events, until)
    due = [s for s in filled if s.deadline <= until]
    late = [s for s in filled if s.days_late]
    overdue = [s for s in due if s.delivered is None]
    delivered = len(deliveries(rule, events, until))
    rejected = deliveries(rule, events, until, rejected=True)
    return {
        "clause": rule.clause, "deliverable": rule.params.deliverable, "label": label(rule),
        "cadence": rule.params.cadence, "cadence_label": CADENCE_LABEL[rule.params.cadence],
        "total": rule.params.total, "due_so_far": len(due), "delivered": delivered,
        "late": [f"{s.name(label(rule))}，{s.delivered} 交付，逾期 {s.days_late} 日" for s in late],
        "overdue": [f"{s.name(label(rule))}，未交付" for s in overdue],
        "rejected": [f"{e.event.date} 交付，甲方不予认可，不计入（{e.source}）" for e in rejected],
        "complete": all(s.delivered for s in filled),
    }


def term_facts(rule: Rule, view) -> list[dict]:
    """The quota as of the date of judgement, for payment conditions (全部服务完成)."""
    filled = slots(rule, view.events, view.as_of)
    done = sum(1 for s in filled if s.delivered)
    return [{"t": "quota", "rule": rule.id, "deliverable": rule.params.deliverable,
             "label": label(rule), "total": rule.params.total, "filled": done,
             "complete": int(done == len(filled))}]
