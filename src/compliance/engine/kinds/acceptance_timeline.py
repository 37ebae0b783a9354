"""验收时限: when each deliverable counts as accepted (城北 三(一), 五(三)2).

Submission opens an acceptance period of ``review_days`` working days. Written
acceptance settles it on its date. A revision request sends the deliverable back:
the vendor resubmits within ``revision_days`` working days and a new acceptance
period opens. If the period passes with neither, the vendor's reminder starts
``objection_days`` working days after which, with still no objection, the
deliverable is deemed accepted (the contract names no such period; the chosen
one is recorded as the clause's interpretation). A deemed date after the date of
judgement is shown as pending, never used.

This is a timeline walked in date order, not a pattern match; the acceptance dates
it gives feed the tranche facts that durable-rules judges.
"""
from __future__ import annotations

from compliance.engine.term import Milestone
from compliance.model.workdays import Deadline
from compliance.engine.kinds.base import Rule

STEP_ORDER = ("submitted", "revision", "reminder", "accepted")


def milestones(rule: Rule, view) -> dict[str, Milestone]:
    """Each deliverable with a recorded submission, with its acceptance date when it has one."""
    submitted = {e.event.deliverable for e in view.events if e.event.type == rule.params.submitted}
    return {d.id: _walk(rule, view, d.id) for d in view.contract.deliverables if d.id in submitted}


def _walk(rule: Rule, view, deliverable: str) -> Milestone:
    params, calendar = rule.params, view.calendar
    roles = {getattr(params, role): role for role in STEP_ORDER}
    events = sorted((e for e in view.events if e.event.deliverable == deliverable
                     and e.event.type in roles and e.event.date <= view.as_of),
                    key=lambda e: (e.event.date, STEP_ORDER.index(roles[e.event.type])))
    steps: list[str] = []
    window_end = resubmit_by = None

    def done(accepted_on, how: str) -> Milestone:
        return Milestone(deliverable, accepted_on, how, rule.clause, rule.id, tuple(steps))

    for recorded in events:
        day, role = recorded.event.date, roles[recorded.event.type]
        if role == "submitted":
            window_end = calendar.add_working_days(day, params.review_days).day
            late = f"（晚于 {resubmit_by} 的重新提交期限）" if resubmit_by and day > resubmit_by else ""
            steps.append(f"{day} 乙方提交{late}；验收期 {params.review_days} 个工作日，至 {window_end}")
            resubmit_by = None
        elif role == "accepted":
            steps.append(f"{day} 甲方书面确认验收通过")
            return done(Deadline(day, calendar.is_provisional(day)), "甲方书面确认验收通过")
        elif role == "revision":
            resubmit_by = calendar.add_working_days(day, params.revision_days).day
            steps.append(f"{day} 甲方提出修改意见；乙方应于 {resubmit_by} 前修改后重新提交")
            window_end = None
        elif window_end is not None and day > window_end:
            deemed = calendar.add_working_days(day, params.objection_days)
            steps.append(f"{day} 验收期满未提出意见，乙方提示催告；至 {deemed.day} 仍无异议的视为验收通过")
            if deemed.day <= view.as_of and not _objected(events, roles, day, deemed.day):
                return done(deemed, "验收期满未提出意见，经乙方提示后仍无异议，视为验收通过")
        else:
            steps.append(f"{day} 乙方提示催告（验收期内或尚未提交，不产生视为验收的效果）")
    return done(None, "尚未验收通过")


def _objected(events, roles, after, until) -> bool:
    return any(after < e.event.date <= until and roles[e.event.type] in ("revision", "accepted")
               for e in events)
