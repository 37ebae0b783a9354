"""The one module that talks to durable-rules 2.0.28.

durable-rules is unmaintained and has traps; this adapter contains them:

* a ruleset name can be registered once per process and never removed, so each
  compiled ruleset is cached by name (the name carries a hash of its rules);
* the rule definition dict is mutated in place (``run`` is popped), so it is deep-copied;
* an exception raised inside an action is swallowed into the session state, so each
  action is wrapped and its error re-raised here as :class:`RuleActionError` (a bug), or as
  it was when it is a :class:`UserError` (a contract's formula that divides by zero for these
  facts: the user is told which rule, in Chinese);
* a ruleset holds at most 1,024 session states (``sid``); the 1,025th raises
  ``MemoryError``, and a state is never freed on its own. ``delete_state`` crashes the
  process (segfault) on states our rules have used, even once every fact is retracted
  (seen on 城北's monthly rules, 2.0.28). So states are reused instead: a session takes a
  ``sid`` from its ruleset's pool of free states, and :meth:`Session.close` retracts every
  fact it asserted (newest first; an action a retraction triggers, a ``$not`` now
  satisfied, runs into a discarding sink and does nothing) and returns the emptied state
  to the pool. Live states are at most the sessions open at once, so a process settles
  without limit in flat memory. Fact ids are unique in the process, so a reused state
  never sees an id twice;
* a ``Host`` starts background polling threads per ruleset; rulesets are driven
  synchronously here instead, with no Host and no threads;
* an event is consumed by the first rule that fires on it, so everything is
  asserted as a fact, which every matching rule sees;
* a ``$not`` is tested once, when the facts before it in the rule have joined, and
  a fact asserted later does not retract the match: rules put ``$not`` last, and
  the facts it tests are asserted in an earlier stage (see ``evaluation``);
* every assertion serialises its fact with ``json.dumps``, and a fact no rule matches is
  serialised a second time, into the message of the ``MessageNotHandledException`` it
  raises (and the exception is the only way to learn it was not handled). A busy month of
  10,000 events, most of them only counted, spent most of its time there. So each ruleset
  works out from its rules' conditions which facts any of them could match (the ``t`` and
  ``type`` every test of an alias requires, ``$not`` aliases included), and a session
  asserts only those (:meth:`CompiledRuleset.wants`); a fact no condition can match joins
  nothing and blocks nothing, so leaving it out changes no result. Callers may ask first,
  and not build such facts at all.
"""
from __future__ import annotations

import copy
import itertools
import json
from dataclasses import dataclass
from typing import Any, Callable

from durable import engine

from compliance.errors import RuleActionError, UserError

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
    """What the actions of one session produced, and the first error any of them raised.
    A discarding sink (a session being released) runs no action at all."""

    def __init__(self, discarding: bool = False) -> None:
        self.results: list[Any] = []
        self.error: BaseException | None = None
        self.discarding = discarding


_sinks: dict[str, _Sink] = {}
_sid_counter = itertools.count(1)
_fact_ids = itertools.count(1)
_compiled: dict[str, "CompiledRuleset"] = {}


def _aliases(condition: dict[str, Any]) -> list[str]:
    """The names the matched facts are bound to in a rule's condition."""
    names = []
    for part in condition.get("all", condition.get("any", [])):
        for alias in part:
            if not alias.endswith("$not"):
                names.append(alias)
    return names


Guard = tuple["str | None", "frozenset[Any] | None"]
"""What a fact must carry to match one alias of a condition: its ``t`` (None: any) and its
``type`` (None: any)."""


def _guards(condition: dict[str, Any]) -> list[Guard]:
    """The guard of every alias of a rule's condition (``$not`` aliases too: a fact they test
    blocks a match). A condition of another shape than ``all``/``any`` of aliases could match
    anything."""
    parts = condition.get("all", condition.get("any"))
    if not isinstance(parts, list):
        return [(None, None)]
    found = []
    for part in parts:
        if not isinstance(part, dict):
            return [(None, None)]
        found += [_guard(expression) for expression in part.values()]
    return found


def _guard(expression: Any) -> Guard:
    """The ``t`` and ``type`` literals an alias's test requires: equality tests of the test
    itself, or of the conjuncts of its top-level ``$and`` (a ``$or`` of ``type`` literals gives
    a set). Anything else is not read, so the guard only ever admits more facts than match."""
    if not isinstance(expression, dict):
        return (None, None)
    conjuncts = expression["$and"] if list(expression) == ["$and"] else [expression]
    fact_t, types = None, None
    for conjunct in conjuncts if isinstance(conjuncts, list) else []:
        if not isinstance(conjunct, dict):
            continue
        for key, value in conjunct.items():
            if key == "t" and _literal(value):
                fact_t = value
            elif key == "type" and _literal(value):
                types = frozenset([value])
            elif key == "$or" and isinstance(value, list) and value and all(
                    isinstance(one, dict) and list(one) == ["type"] and _literal(one["type"])
                    for one in value):
                types = frozenset(one["type"] for one in value)
    return (fact_t, types)


def _literal(value: Any) -> bool:
    return isinstance(value, (str, int, float, bool)) or value is None


def _wrap(rule: EngineRule) -> Callable[[Any], None]:
    aliases = _aliases(rule.when)

    def run(closure: Any) -> None:
        sink = _sinks[closure.s["sid"]]
        if sink.error is not None or sink.discarding:
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
        self._free: list[str] = []
        """States emptied by closed sessions, ready to be reused (see the module note)."""
        guards = [guard for rule in rules for guard in _guards(rule.when)]
        self._any = any(fact_t is None and types is None for fact_t, types in guards)
        self._guards: dict[Any, list[frozenset[Any] | None]] = {}
        for fact_t, types in guards:
            self._guards.setdefault(fact_t, []).append(types)
        self._wanted: dict[tuple[Any, Any], bool] = {}

    def wants(self, fact: dict[str, Any]) -> bool:
        """Whether some rule's condition could match ``fact``, judged on its ``t`` and ``type``
        alone (a fact it leaves out can match no alias; see the module note)."""
        key = (fact.get("t"), fact.get("type"))
        found = self._wanted.get(key)
        if found is None:
            found = self._wanted[key] = self._any or any(
                types is None or key[1] in types
                for fact_t in (key[0], None) for types in self._guards.get(fact_t, ()))
        return found

    def session(self) -> "Session":
        """A session of its own: an empty state (reused, or new), its own results."""
        sid = self._free.pop() if self._free else f"s{next(_sid_counter)}"
        return Session(self._ruleset, sid, self._free.append, self.wants)


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

    def __init__(self, ruleset: engine.Ruleset, sid: str, release: Callable[[str], None],
                 wants: Callable[[dict[str, Any]], bool] = lambda fact: True) -> None:
        self._ruleset = ruleset
        self.sid = sid
        self._release = release
        self._wants = wants
        self._asserted: list[dict[str, Any]] = []
        _sinks[self.sid] = _Sink()

    def assert_facts(self, facts: list[dict[str, Any]]) -> list[Any]:
        """Assert each fact some rule could match, in order, and run every action it triggers;
        return what the actions returned."""
        sink = _sinks[self.sid]
        start = len(sink.results)
        for fact in facts:
            if not self._wants(fact):
                continue
            message = dict(fact, sid=self.sid, id=f"f{next(_fact_ids)}")
            try:
                handle = self._ruleset.assert_fact(message)
            except engine.MessageNotHandledException:
                continue
            self._asserted.append(message)
            self._ruleset.do_actions(handle, self._raise_on_error)
            if sink.error is not None:
                error, sink.error = sink.error, None
                if isinstance(error, UserError):  # a contract's formula that cannot be worked out
                    raise error
                raise RuleActionError(
                    f"rule action failed on fact {json.dumps(fact, ensure_ascii=False)}: {error!r}"
                ) from error
        return sink.results[start:]

    @staticmethod
    def _raise_on_error(error: BaseException | None, _state: Any) -> None:
        if error:
            raise RuleActionError(f"durable-rules failed: {error}")

    def close(self) -> None:
        """Release the session: retract its facts and give its emptied state back for reuse
        (see the module note on the 1,024-state limit). A state whose retraction fails is
        not reused."""
        _sinks[self.sid] = _Sink(discarding=True)
        try:
            for message in reversed(self._asserted):
                try:
                    handle = self._ruleset.retract_fact(message)
                except engine.MessageNotHandledException:
                    continue
                self._ruleset.do_actions(handle, self._raise_on_error)
        finally:
            _sinks.pop(self.sid, None)
        self._asserted.clear()
        self._release(self.sid)
