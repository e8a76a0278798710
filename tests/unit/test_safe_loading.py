"""Configuration is data, never code: the package reads YAML only with a safe loader and never
unpickles or evaluates what a file holds. (The files it does read are validated where they are
loaded: settings, the watchlist, the topic rules, the Kafka password and TLS files.)"""

from __future__ import annotations

import ast

from support import REPO

PACKAGE = REPO / "services" / "newsmon"
# Calls that run code or build arbitrary objects from a file's content.
UNSAFE_CALLS = {
    ("yaml", "load"), ("yaml", "load_all"), ("yaml", "unsafe_load"), ("yaml", "full_load"),
    ("pickle", "load"), ("pickle", "loads"), ("marshal", "load"), ("marshal", "loads"),
    ("shelve", "open"), ("dill", "load"), ("dill", "loads"),
}
UNSAFE_BUILTINS = {"eval", "exec"}


def unsafe_calls(source: str) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        function = node.func
        if isinstance(function, ast.Name) and function.id in UNSAFE_BUILTINS:
            found.append(f"line {node.lineno}: {function.id}()")
        elif isinstance(function, ast.Attribute) and isinstance(function.value, ast.Name):
            if (function.value.id, function.attr) in UNSAFE_CALLS:
                found.append(f"line {node.lineno}: {function.value.id}.{function.attr}()")
    return found


def test_the_check_finds_unsafe_loading():
    assert unsafe_calls("import yaml\nconfig = yaml.load(open('c.yml'))\nyaml.safe_load('a: 1')\n") == [
        "line 2: yaml.load()"]
    assert unsafe_calls("import pickle\npickle.loads(b'')\neval('1')\n") == ["line 2: pickle.loads()", "line 3: eval()"]


def test_the_package_never_loads_configuration_unsafely():
    problems = {
        str(path.relative_to(REPO)): found
        for path in sorted(PACKAGE.rglob("*.py"))
        if (found := unsafe_calls(path.read_text(encoding="utf-8")))
    }
    assert not problems, problems
