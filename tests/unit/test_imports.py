"""No module imports itself back through others, across all four apps.

import-linter (`make lint`) checks DESIGN.md's rules and cycles inside each package; this
checks cycles between modules of different packages too (say costs -> routing -> costs).
"""

import grimp

PACKAGES = ("blufio", "costs", "routing", "heartbeat")


def _cycle(graph: grimp.ImportGraph) -> list[str] | None:
    modules = sorted(graph.modules)
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(module: str) -> list[str] | None:
        state[module] = 1
        path.append(module)
        for imported in sorted(graph.find_modules_directly_imported_by(module)):
            if state.get(imported) == 1:
                return path[path.index(imported) :] + [imported]
            if imported not in state and (found := visit(imported)):
                return found
        path.pop()
        state[module] = 2
        return None

    for module in modules:
        if module not in state and (found := visit(module)):
            return found
    return None


def test_no_import_cycle_between_modules():
    graph = grimp.build_graph(*PACKAGES, cache_dir=None)

    assert _cycle(graph) is None
