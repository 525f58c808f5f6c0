"""The compiled router (`make compiled`) decides exactly as its sources do, and an edited
source is never shadowed by a stale build."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

from routing import compiled, core

ROOT = Path(__file__).resolve().parents[3]

# Every decision and explanation over the labelled corpus, digested; then which file ran.
DIGEST = """
import hashlib, json
from routing.core import explain, route
from tests.routing_cases import load_all
digest = hashlib.sha256()
for case in load_all():
    message, context = case["message"], case.get("context") or []
    for found in (route(message, context).to_dict(), explain(message, context)):
        digest.update(json.dumps(found, sort_keys=True, ensure_ascii=False).encode())
import routing.core
print(digest.hexdigest(), routing.core.__file__)
"""


def _run(code: str, cwd: Path, **env: str) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k != compiled.SOURCE_ONLY} | env
    return subprocess.run(
        [sys.executable, "-c", code], cwd=cwd, env=environment, capture_output=True, text=True
    )


def test_the_tests_run_the_compiled_router_built_from_these_sources():
    assert compiled.built() and compiled.current(), "run `make compiled` first"
    assert not core.__file__.endswith(".py")


def test_the_compiled_router_decides_exactly_as_its_sources():
    built = _run(DIGEST, ROOT)
    source = _run(DIGEST, ROOT, **{compiled.SOURCE_ONLY: "1"})

    built_digest, built_file = built.stdout.split()
    source_digest, source_file = source.stdout.split()
    assert not built_file.endswith(".py") and source_file.endswith("core.py")
    assert built_digest == source_digest
    assert "runs from its sources: BLUFIO_ROUTER_SOURCE is set" in source.stderr


def _copy_router(to: Path, *, with_build: bool) -> None:
    skip = shutil.ignore_patterns("__pycache__", *(() if with_build else ("*.so", "*.sha256")))
    shutil.copytree(ROOT / "routing", to / "routing", ignore=skip)
    if with_build:
        for library in ROOT.glob("*__mypyc.*"):  # the modules' shared runtime
            shutil.copy(library, to)


WHICH = """
import routing.core, routing.message
from routing.core import route
print(route("prove that there are infinitely many primes").tier)
print(routing.core.__file__.endswith(".py"), routing.message.__file__.endswith(".py"))
print(getattr(routing.core, "EDITED", False))
"""


def test_after_a_source_is_edited_every_router_module_runs_from_its_source(tmp_path):
    _copy_router(tmp_path, with_build=True)
    (tmp_path / "routing" / "core.py").open("a").write("\nEDITED = True\n")

    ran = _run(WHICH, tmp_path)

    # All or none: a compiled module calls the others' compiled code directly.
    assert ran.stdout.split() == ["opus", "True", "True", "True"]
    assert "runs from its sources: a source changed since `make compiled`" in ran.stderr


def test_an_unedited_copy_runs_compiled_and_one_never_built_from_source(tmp_path):
    _copy_router(tmp_path / "built", with_build=True)
    _copy_router(tmp_path / "plain", with_build=False)

    built, plain = _run(WHICH, tmp_path / "built"), _run(WHICH, tmp_path / "plain")

    assert built.stdout.split() == ["opus", "False", "False", "False"] and not built.stderr
    assert plain.stdout.split() == ["opus", "True", "True", "False"] and not plain.stderr
