"""The app graph holds: what import-linter cannot see (it reads import statements, not how they are used).

Read from the source (ast), for every module of pilote/ and config/ (migrations excepted):
(a) no `try: import pilote.… except ImportError`: a module of the project always exists; guarding it turns a
    broken sibling into an empty panel;
(b) no `importlib.import_module` (or `__import__`, `import_string`) of a pilote module: imports are statements, so
    the graph is visible to import-linter;
(c) no call by name into a sibling app: `getattr(<module of another app>, name)`, `apps.get_model("<other app>",
    …)` (best effort: a module bound by an import statement);
(d) no import of another app inside a function, except in AppConfig.ready (registrations) and the allow-list
    below, where each entry says why.
The layers themselves are import-linter's `[tool.importlinter]` contract (pyproject.toml, run by `make lint`);
`test_layers_contract_is_kept` runs it here too so that `pytest` alone catches a new upward import.
"""

import ast
import importlib
import inspect
import shutil
import subprocess
import sys
from pathlib import Path

import pytest


ROOT = Path(__file__).resolve().parents[1]

# Allowed exceptions, each with its reason (empty today: keep them so).
# (a) and (b): module path -> reason.
GUARDED_IMPORTS_ALLOWED: dict[str, str] = {}
DYNAMIC_IMPORTS_ALLOWED: dict[str, str] = {}
# (d): (module path, imported module) -> reason.
FUNCTION_IMPORTS_ALLOWED: dict[tuple[str, str], str] = {}


def _modules():
    for folder in ("pilote", "config"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path.relative_to(ROOT).as_posix(), ast.parse(path.read_text(encoding="utf-8"), str(path))


MODULES = list(_modules())


def app_of(module: str) -> str | None:
    """ "pilote.fiches.forms" -> "pilote.fiches"; None for a module outside the project."""
    parts = module.split(".")
    if parts[0] == "config":
        return "config"
    if parts[0] != "pilote" or len(parts) < 2:
        return None
    return f"pilote.{parts[1]}"


def app_of_path(path: str) -> str | None:
    return app_of(path.removesuffix(".py").replace("/", "."))


def imported_modules(node) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
        return [node.module]
    return []


def _parents(tree):
    parents = {}
    for node in ast.walk(tree):
        for child in ast.iter_child_nodes(node):
            parents[child] = node
    return parents


def _catches_import_error(handler: ast.ExceptHandler) -> bool:
    names = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    return any(isinstance(n, ast.Name) and n.id in {"ImportError", "ModuleNotFoundError"} for n in names)


def guarded_imports(tree) -> list[str]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Try) and any(_catches_import_error(h) for h in node.handlers):
            for inner in node.body:
                for sub in ast.walk(inner):
                    found += [m for m in imported_modules(sub) if app_of(m)]
    return found


def _call_name(node: ast.Call) -> str:
    func = node.func
    if isinstance(func, ast.Attribute):
        return func.attr
    return func.id if isinstance(func, ast.Name) else ""


def dynamic_imports(tree) -> list[int]:
    return [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and _call_name(node) in {"import_module", "__import__", "import_string"}
    ]


def function_imports(tree, path) -> list[tuple[str, int]]:
    """Imports of another app's modules made inside a function, except in an AppConfig's ready()."""
    me, parents, found = app_of_path(path), _parents(tree), []
    for node in ast.walk(tree):
        for module in imported_modules(node):
            if app_of(module) in (None, me):
                continue
            scope = parents.get(node)
            while scope is not None and not isinstance(scope, ast.FunctionDef | ast.AsyncFunctionDef):
                scope = parents.get(scope)
            if scope is None or (path.endswith("/apps.py") and scope.name == "ready"):
                continue
            found.append((module, node.lineno))
    return found


def module_bindings(tree, path) -> dict[str, str]:
    """Names bound to another app's modules by the module's own import statements (name -> module)."""
    me, bound = app_of_path(path), {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname and app_of(alias.name) not in (None, me):
                    bound[alias.asname] = alias.name
        elif isinstance(node, ast.ImportFrom) and node.module and app_of(node.module) not in (None, me):
            for alias in node.names:
                candidate = f"{node.module}.{alias.name}"
                try:
                    is_module = inspect.ismodule(importlib.import_module(candidate))
                except ImportError:
                    is_module = False
                if is_module:
                    bound[alias.asname or alias.name] = candidate
    return bound


def calls_by_name(tree, path) -> list[str]:
    me, bound, found = app_of_path(path), module_bindings(tree, path), []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        if _call_name(node) == "getattr" and isinstance(node.func, ast.Name) and node.args:
            target = node.args[0]
            if isinstance(target, ast.Name) and target.id in bound:
                found.append(f"l.{node.lineno}: getattr({target.id}, …) on {bound[target.id]}")
        if _call_name(node) == "get_model" and node.args and isinstance(node.args[0], ast.Constant):
            label = str(node.args[0].value).split(".")[0]
            if f"pilote.{label}" != me:
                found.append(f"l.{node.lineno}: apps.get_model({node.args[0].value!r}, …)")
    return found


def test_no_import_is_guarded_against_a_module_of_the_project():
    found = {
        path: modules
        for path, tree in MODULES
        if (modules := guarded_imports(tree)) and path not in GUARDED_IMPORTS_ALLOWED
    }
    assert found == {}, "try/except ImportError around an import of the project: import it, it exists"


def test_no_module_of_the_project_is_imported_by_name():
    found = {
        path: lines
        for path, tree in MODULES
        if (lines := dynamic_imports(tree)) and path not in DYNAMIC_IMPORTS_ALLOWED
    }
    assert found == {}, "import_module/__import__/import_string: use an import statement (visible to import-linter)"


def test_no_sibling_app_is_called_by_name():
    found = {path: calls for path, tree in MODULES if (calls := calls_by_name(tree, path))}
    assert found == {}, "call the sibling's function (or use its model) directly, through an import statement"


def test_cross_app_imports_sit_at_module_level():
    found = {
        path: [(module, line) for module, line in imports if (path, module) not in FUNCTION_IMPORTS_ALLOWED]
        for path, tree in MODULES
        if (imports := function_imports(tree, path))
    }
    found = {path: imports for path, imports in found.items() if imports}
    assert found == {}, "import other apps at module level (AppConfig.ready excepted), or explain in the allow-list"


def test_allow_lists_hold_only_what_is_still_there():
    """An entry fixed in its file must leave the allow-list, so that the test keeps it fixed."""
    trees = dict(MODULES)
    stale = [p for p in GUARDED_IMPORTS_ALLOWED if not guarded_imports(trees[p])]
    stale += [p for p in DYNAMIC_IMPORTS_ALLOWED if not dynamic_imports(trees[p])]
    stale += [
        entry
        for entry in FUNCTION_IMPORTS_ALLOWED
        if entry[1] not in [module for module, _line in function_imports(trees[entry[0]], entry[0])]
    ]
    assert stale == []


@pytest.mark.parametrize(
    ("source", "rule"),
    [
        ("try:\n    from pilote.annuaire import queries\nexcept ImportError:\n    queries = None\n", guarded_imports),
        ("import importlib\nm = importlib.import_module('pilote.explorer.guidance')\n", dynamic_imports),
        ("def f():\n    from pilote.clauses.queries import guide_for\n    return guide_for\n", "function"),
        ("from pilote.explorer import profiles\ndef f(n):\n    return getattr(profiles, n)()\n", "by_name"),
        ("from django.apps import apps\nFiche = apps.get_model('fiches', 'Fiche')\n", "by_name"),
    ],
)
def test_the_rules_catch_what_they_forbid(source, rule):
    tree, path = ast.parse(source), "pilote/recensement/example.py"
    if rule == "function":
        assert function_imports(tree, path)
    elif rule == "by_name":
        assert calls_by_name(tree, path)
    else:
        assert rule(tree)


def test_ready_registrations_and_own_app_imports_are_allowed():
    source = (
        "from django.apps import AppConfig\n"
        "class C(AppConfig):\n"
        "    def ready(self):\n"
        "        from pilote.ui.navigation import register\n"
        "def f():\n"
        "    from pilote.annuaire.queries import lessons_panel\n"
    )
    assert function_imports(ast.parse(source), "pilote/annuaire/apps.py") == []


def test_layers_contract_is_kept():
    lint_imports = shutil.which("lint-imports") or str(Path(sys.executable).parent / "lint-imports")
    if not Path(lint_imports).exists():
        pytest.skip("import-linter is not installed (requirements/dev.txt)")
    result = subprocess.run([lint_imports, "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
