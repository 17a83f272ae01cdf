"""The renderers' modules depend on each other without circles (lazy imports inside functions count)."""

from __future__ import annotations

import ast

from conftest import REPO


def _imports(path, package: str) -> set[str]:
    """Every renderers.* module that `path` imports, at the top or inside a function."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            names = [f"{module}.{alias.name}" for alias in node.names] + [module]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        else:
            continue
        found.update(name for name in names if name.startswith("renderers."))
    return found


def _graph() -> dict[str, set[str]]:
    modules = {}
    for path in (REPO / "renderers").rglob("*.py"):
        parts = path.relative_to(REPO).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        package = name if parts[-1] == "__init__" else ".".join(parts[:-1])
        modules[name] = (path, package)
    return {name: {m for m in _imports(path, package) if m in modules and m != name}
            for name, (path, package) in modules.items() if not name.endswith("__init__")}


def test_no_module_of_the_renderers_imports_itself_through_others() -> None:
    graph = _graph()
    packages = {name for name in graph if (REPO / name.replace(".", "/") / "__init__.py").is_file()}
    circles = []
    for start in graph:
        if start in packages:
            continue  # a package's __init__ re-exports its modules: not a dependency of its own
        stack, seen = [(start, [start])], set()
        while stack:
            node, path = stack.pop()
            for nxt in graph.get(node, ()):
                if nxt in packages:
                    continue
                if nxt == start:
                    circles.append(" -> ".join(path + [start]))
                elif nxt not in seen:
                    seen.add(nxt)
                    stack.append((nxt, path + [nxt]))
    assert not circles, circles
