"""The package's shape: the stages do not import each other, and every import points down a layer.

Read from the source with `ast` (imports inside functions count; those under TYPE_CHECKING, which
never run, do not), so a new import that ties two stages together fails here, not in review.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "pipeline"
STAGES = ("stories", "script", "voice", "mix", "publish")

# Low to high; a module may import from its own layer or below. The first matching prefix wins.
LAYERS = (
    ("pipeline.cli", 7),
    ("pipeline.runner", 6),
    *((f"pipeline.{stage}.stage", 5) for stage in STAGES),
    ("pipeline.stories", 5),
    ("pipeline.voice.synthesis", 5),
    ("pipeline.mix", 5),
    ("pipeline.publish.targets", 2),
    ("pipeline.publish", 5),
    ("pipeline.ops", 4),
    ("pipeline.context", 4),
    ("pipeline.cover", 4),
    ("pipeline.config", 3),
    ("pipeline.script", 2),  # writers, prompts, checks, script.md: the stage module is above
    ("pipeline.voice", 2),  # the TTS engines and pronunciation
    ("pipeline.providers", 1),
    ("pipeline.audio", 1),
    ("pipeline", 0),  # errors, clock, text, urls, files, models, artifacts
)


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _under_type_checking(node: ast.AST, parents: dict[ast.AST, ast.AST]) -> bool:
    while node in parents:
        node = parents[node]
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            return True
    return False


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    parents = {child: parent for parent in ast.walk(tree) for child in ast.iter_child_nodes(parent)}
    found: set[str] = set()
    for node in ast.walk(tree):
        if _under_type_checking(node, parents):
            continue
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names if alias.name.startswith("pipeline")}
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("pipeline"):
            for alias in node.names:  # `from pipeline.mix import qa` imports the module pipeline.mix.qa
                candidate = f"{node.module}.{alias.name}"
                found.add(candidate if candidate in MODULES else node.module)
    return found


MODULES = {module_name(path): path for path in PACKAGE.rglob("*.py")}
GRAPH = {name: imports_of(path) - {name} for name, path in MODULES.items()}


def layer(name: str) -> int:
    return next(rank for prefix, rank in LAYERS if name == prefix or name.startswith(prefix + "."))


def stage_of(name: str) -> str | None:
    parts = name.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in STAGES else None


def test_every_module_has_a_layer():
    assert {name: layer(name) for name in MODULES}


def test_no_stage_imports_another_stage():
    crossings = sorted(
        f"{name} imports {target}"
        for name, targets in GRAPH.items()
        for target in targets
        if stage_of(name) and stage_of(target) and stage_of(name) != stage_of(target)
    )
    assert not crossings


def test_imports_point_down_the_layers():
    upward = sorted(
        f"{name} (layer {layer(name)}) imports {target} (layer {layer(target)})"
        for name, targets in GRAPH.items()
        for target in targets
        if target in MODULES and layer(target) > layer(name)
    )
    assert not upward


def test_there_is_no_import_circle():
    done: set[str] = set()

    def visit(name: str, path: list[str]) -> None:
        if name in path:
            raise AssertionError("import circle: " + " -> ".join(path[path.index(name):] + [name]))
        if name in done:
            return
        for target in sorted(GRAPH.get(name, ())):
            visit(target, path + [name])
        done.add(name)

    for name in sorted(MODULES):
        visit(name, [])


def test_the_tree_stays_small_and_readable():
    loose = sorted(path.name for path in PACKAGE.glob("*.py"))
    assert len(loose) <= 12, loose
    long = {name: n for name, path in MODULES.items() if (n := len(path.read_text(encoding="utf-8").splitlines())) > 450}
    assert not long
    assert len((PACKAGE / "cli" / "__init__.py").read_text(encoding="utf-8").splitlines()) <= 300
