"""The one module that talks to durable-rules 2.0.28.

durable-rules is unmaintained and has traps; this adapter contains them:

* a ruleset name can be registered once per process and never removed, so each
  compiled ruleset is cached by name (the name carries a hash of its rules);
* the rule definition dict is mutated in place (``run`` is popped), so it is deep-copied;
* an exception raised inside an action is swallowed into the session state, so each
  action is wrapped and its error re-raised here as :class:`RuleActionError`;
* ``delete_state`` can segfault while a session holds partial matches, so sessions
  are never deleted: every evaluation gets a fresh ``sid``;
* a ``Host`` starts background polling threads per ruleset; rulesets are driven
  synchronously here instead, with no Host and no threads;
* an event is consumed by the first rule that fires on it, so everything is
  asserted as a fact, which every matching rule sees;
* a ``$not`` is tested once, when the facts before it in the rule have joined, and
  a fact asserted later does not retract the match: rules put ``$not`` last, and
  the facts it tests are asserted in an earlier stage (see ``evaluation``).
"""
from __future__ import annotations

import copy
import itertools
import json
from dataclasses import dataclass
from typing import Any, Callable

from durable import engine

from compliance.errors import RuleActionError

Action = Callable[[dict[str, dict[str, Any]]], Any]
"""Called with the matched facts by alias; whatever it returns is collected."""


@dataclass(frozen=True)
class EngineRule:
    """One durable-rules rule: a name, its condition in durable-rules JSON, its action."""

    name: str
    when: dict[str, Any]
    action: Action


class _NoHost:
    """Rulesets here are driven directly; named actions are never looked up."""

    def get_action(self, action_name: str) -> None:  # pragma: no cover - never called
        raise RuleActionError(f"named actions are not supported: {action_name}")


class _Sink:
    """What the actions of one session produced, and the first error any of them raised."""

    def __init__(self) -> None:
        self.results: list[Any] = []
        self.error: BaseException | None = None


_sinks: dict[str, _Sink] = {}
_sid_counter = itertools.count(1)
_compiled: dict[str, "CompiledRuleset"] = {}


def _aliases(condition: dict[str, Any]) -> list[str]:
    """The names the matched facts are bound to in a rule's condition."""
    names = []
    for part in condition.get("all", condition.get("any", [])):
        for alias in part:
            if not alias.endswith("$not"):
                names.append(alias)
    return names


def _wrap(rule: EngineRule) -> Callable[[Any], None]:
    aliases = _aliases(rule.when)

    def run(closure: Any) -> None:
        sink = _sinks[closure.s["sid"]]
        if sink.error is not None:
            return
        try:
            matched = {alias: dict(getattr(closure, alias)._d) for alias in aliases}
            sink.results.append(rule.action(matched))
        except BaseException as error:  # re-raised by Session after the assertion returns
            sink.error = error

    return run


class CompiledRuleset:
    """A set of rules compiled once per process into one durable-rules ruleset."""

    def __init__(self, name: str, rules: list[EngineRule]) -> None:
        definition = {}
        for rule in rules:
            body = copy.deepcopy(rule.when)
            body["run"] = _wrap(rule)
            definition[rule.name] = body
        self.name = name
        self._ruleset = engine.Ruleset(name, _NoHost(), definition)

    def session(self) -> "Session":
        """A fresh session: its own sid, its own facts, its own results."""
        return Session(self._ruleset)


def compile_ruleset(name: str, rules: list[EngineRule]) -> CompiledRuleset:
    """Compile ``rules`` under ``name``, or return the ruleset compiled under it before.

    The caller makes ``name`` unique to the rules' content (a hash), because
    durable-rules cannot replace a ruleset once registered.
    """
    if name not in _compiled:
        _compiled[name] = CompiledRuleset(name, rules)
    return _compiled[name]


class Session:
    """Facts asserted into one durable-rules state; actions run synchronously."""

    def __init__(self, ruleset: engine.Ruleset) -> None:
        self._ruleset = ruleset
        self.sid = f"s{next(_sid_counter)}"
        self._ids = itertools.count(1)
        _sinks[self.sid] = _Sink()

    def assert_facts(self, facts: list[dict[str, Any]]) -> list[Any]:
        """Assert each fact and run every action it triggers; return what the actions returned."""
        sink = _sinks[self.sid]
        start = len(sink.results)
        for fact in facts:
            message = dict(fact, sid=self.sid, id=f"f{next(self._ids)}")
            try:
                handle = self._ruleset.assert_fact(message)
            except engine.MessageNotHandledException:
                continue
            self._ruleset.do_actions(handle, self._raise_on_error)
            if sink.error is not None:
                error, sink.error = sink.error, None
                raise RuleActionError(
                    f"rule action failed on fact {json.dumps(fact, ensure_ascii=False)}: {error!r}"
                ) from error
        return sink.results[start:]

    @staticmethod
    def _raise_on_error(error: BaseException | None, _state: Any) -> None:
        if error:
            raise RuleActionError(f"durable-rules failed: {error}")

    def close(self) -> None:
        """Forget this session's results; the durable-rules state is left (see module note)."""
        _sinks.pop(self.sid, None)
