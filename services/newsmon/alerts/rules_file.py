"""Reading the rules file: YAML (safe loading only, no aliases), validated by the models of
rule_models.py. Anything wrong raises RulesError with one line, `PATH:LINE: reason`, the line found
from the YAML nodes' marks. RulesSource keeps the rules in force and re-reads the file when it
changes; a bad new version is refused, logged, and the old rules stay.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError
from pydantic_core import ErrorDetails

from newsmon.alerts.rule_models import Rule, RulesFile
from newsmon.metrics import Metrics
from newsmon.settings import ConfigError

log = logging.getLogger(__name__)

DEFAULT_RULES_PATH = Path(__file__).with_name("default_rules.yaml")


class RulesError(ConfigError):
    """A rules file that cannot be used: `PATH:LINE: reason`."""


def _yaml_error(error: yaml.YAMLError, source: str) -> RulesError:
    if isinstance(error, yaml.MarkedYAMLError):
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else 1
        return RulesError(f"{source}:{line}: not valid YAML: {error.problem or error.context}")
    return RulesError(f"{source}:1: not valid YAML: {error}")


def _compose(text: str, source: str) -> yaml.Node | None:
    loader = yaml.SafeLoader(text)
    try:
        return loader.get_single_node()
    except yaml.YAMLError as error:
        raise _yaml_error(error, source) from None
    finally:
        loader.dispose()


def _refuse_aliases_and_repeats(root: yaml.Node, source: str) -> None:
    """An alias makes one node appear in many places (a few nested ones make a small file huge); a key
    given twice would silently lose its first value."""
    seen: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            raise RulesError(f"{source}:{node.start_mark.line + 1}: YAML anchors and aliases are not allowed")
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            keys: set[str] = set()
            for key, _ in node.value:
                if isinstance(key, yaml.ScalarNode) and key.value in keys:
                    raise RulesError(f"{source}:{key.start_mark.line + 1}: key {key.value!r} is given twice")
                keys.add(key.value)
            stack.extend(part for pair in node.value for part in pair)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)


def _construct(root: yaml.Node, source: str) -> Any:
    """The plain values of the nodes; a tag the safe loader does not know (!!python/...) is refused."""
    loader = yaml.SafeLoader("")
    try:
        return loader.construct_document(root)
    except yaml.YAMLError as error:
        raise _yaml_error(error, source) from None
    finally:
        loader.dispose()


def node_at(root: yaml.Node, loc: Sequence[int | str]) -> tuple[yaml.Node, list[str]]:
    """The node an error location points at (the key, when it ends at a mapping's key), and the
    location's steps that are in the file; the others name pydantic's union branches."""
    node, pointed, steps = root, root, []
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            pair = next((p for p in node.value if isinstance(p[0], yaml.ScalarNode) and p[0].value == str(part)), None)
            if pair is None:
                continue
            pointed, node = pair
            steps.append(f".{part}")
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
            pointed = node = node.value[part]
            steps.append(f"[{part}]")
    return pointed, steps


_MAPPING_TYPES = frozenset({"model_type", "model_attributes_type", "dict_type"})


def _reason(error: ErrorDetails) -> str:
    if error["type"] == "extra_forbidden":
        return f"unknown key {str(error['loc'][-1])!r}"
    return str(error["msg"]).removeprefix("Value error, ")


def describe_invalid(error: ValidationError, root: yaml.Node, source: str) -> str:
    """One line for the error that goes deepest into the file (a union's branches each report one;
    the messages of those at the same place are joined)."""
    located = []
    for problem in error.errors():
        node, steps = node_at(root, problem["loc"])
        if problem["type"] == "missing":
            steps.append(f" (missing {str(problem['loc'][-1])!r})")
        located.append((len(steps), node, steps, _reason(problem), problem["type"]))
    depth = max(found[0] for found in located)
    best = [found for found in located if found[0] == depth]
    _, node, steps, _, _ = best[0]
    here = [found for found in best if found[1] is node]
    if isinstance(node, yaml.ScalarNode):  # "should be a valid dictionary" says nothing about a plain value
        here = [found for found in here if found[4] not in _MAPPING_TYPES] or here
    reasons = " or ".join(dict.fromkeys(found[3] for found in here))
    where = "".join(steps).lstrip(".")
    return f"{source}:{node.start_mark.line + 1}: {where + ': ' if where else ''}{reasons}"


def parse_rules(text: str, source: str) -> tuple[Rule, ...]:
    """The rules of a rules file's text; `source` names the file in error messages."""
    root = _compose(text, source)
    if root is None:
        raise RulesError(f"{source}:1: the file is empty")
    _refuse_aliases_and_repeats(root, source)
    try:
        parsed = RulesFile.model_validate(_construct(root, source))
    except ValidationError as error:
        raise RulesError(describe_invalid(error, root, source)) from None
    seen: set[str] = set()
    for index, rule in enumerate(parsed.rules):
        if rule.name in seen:
            node, _ = node_at(root, ("rules", index, "name"))
            raise RulesError(f"{source}:{node.start_mark.line + 1}: rule name {rule.name!r} is used twice")
        seen.add(rule.name)
    return tuple(parsed.rules)


def load_rules(path: Path) -> tuple[Rule, ...]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise RulesError(f"{path}:1: cannot be read ({error})") from None
    return parse_rules(text, str(path))


def _signature(path: Path) -> tuple[int, int, int] | None:
    """What changes when the file is written or replaced; None: no file."""
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return stat.st_mtime_ns, stat.st_size, stat.st_ino


class RulesSource:
    """The rules in force: those of `path`, read again when the file changes (looked at no more than
    once every `check_seconds`). A file that is gone or bad is refused, with the old rules kept."""

    def __init__(
        self,
        path: Path | None = None,
        check_seconds: float = 10.0,
        metrics: Metrics | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.path = path or DEFAULT_RULES_PATH
        self.check_seconds = check_seconds
        self._metrics = metrics
        self._clock = clock
        self._signature = _signature(self.path)
        self._rules = load_rules(self.path)  # a bad file at start stops the caller
        self._checked = clock()

    def rules(self) -> tuple[Rule, ...]:
        now = self._clock()
        if now - self._checked < self.check_seconds:
            return self._rules
        self._checked = now
        signature = _signature(self.path)
        if signature == self._signature:
            return self._rules
        self._signature = signature
        if signature is None:
            self._refused(f"{self.path}: the file is gone")
            return self._rules
        try:
            self._rules = load_rules(self.path)
        except RulesError as error:
            self._refused(str(error))
        else:
            log.warning("rules reloaded from %s: %s", self.path, ", ".join(r.name for r in self._rules))
            self._count("loaded")
        return self._rules

    def _refused(self, problem: str) -> None:
        log.error("rules file refused, the rules in force stay: %s", problem)
        self._count("refused")

    def _count(self, outcome: str) -> None:
        if self._metrics is not None:
            self._metrics.rules_reloads.labels(outcome=outcome).inc()
