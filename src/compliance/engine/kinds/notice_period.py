"""提前通知期: a right that needs N days' written notice, dated from the notice
(羊坊店 9.4: 因甲方原因无法履行的，甲方应提前 30 日书面通知乙方，双方协商解除合同), or a
notice that stands unless objected to in time (酒仙桥 9.2: 甲方在收到报告后 5 个工作日内无异议，
则表示甲方接受测算金额). Working days use the built-in official calendar; a period in calendar
days that ends on a day off ends on the next working day (《民法典》第二百零三条) unless the
contract switches that off (``deadlines.extend_past_rest_days``).
"""
from __future__ import annotations

from datetime import date

from compliance.engine.outcome import Outcome
from compliance.model.workdays import calendar
from compliance.engine.kinds.base import Rule, current_event, event_trace

UNIT_LABEL = {"working": "个工作日", "calendar": "日"}


def when(rule: Rule) -> dict:
    return {"all": [{"m": current_event([rule.params.event_type])}]}


def then(rule: Rule, matched: dict) -> Outcome:
    notice, params = matched["m"], rule.params
    counted = calendar().for_contract(rule.terms)
    earliest = counted.add(date.fromisoformat(notice["date"]), params.days, params.unit)
    reason = (f"{rule.terms.event_label(notice['type'])}（{notice['date']}）后 {params.days} "
              f"{UNIT_LABEL[params.unit]}：最早于 {earliest.day} {params.action}")
    if earliest.note:
        reason += f"（{earliest.note}）"
    return Outcome(flags=rule.flags(rule.params.flags, reason, [event_trace(notice)]))
