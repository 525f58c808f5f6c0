"""The compiled router (`make compiled`) decides exactly as its sources do, is found from
any working directory, and is never used once a source has changed."""

import copy
import os
import pickle
import shutil
import subprocess
import sys
from pathlib import Path

from routing import compiled, core
from routing.signals import Thread

ROOT = compiled.ROOT

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
WHICH = """
import routing.core, routing.message, routing.lexicon.en
from routing.core import route
print(route("prove that there are infinitely many primes").tier)
print(routing.core.__file__.endswith(".py"), routing.message.__file__.endswith(".py"))
print(getattr(routing.core, "EDITED", False))
"""


def _run(code: str, cwd: Path, *, path: Path | None = None, **env: str):
    environment = {k: v for k, v in os.environ.items() if k != compiled.SOURCE_ONLY}
    if path is not None:
        environment["PYTHONPATH"] = str(path)
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=cwd,
        env=environment | env,
        capture_output=True,
        text=True,
    )


def _copy_router(to: Path, *, with_build: bool) -> None:
    shutil.copytree(ROOT / "routing", to / "routing", ignore=shutil.ignore_patterns("__pycache__"))
    if with_build:
        shutil.copytree(compiled.BUILD, to / compiled.BUILD.relative_to(ROOT))


def test_the_tests_run_the_compiled_router_built_from_these_sources():
    assert compiled.current() and compiled.IN_USE, "run `make compiled` first"
    assert Path(core.__file__).is_relative_to(compiled.BUILD)
    assert not list((ROOT / "routing").rglob(f"*{compiled.SUFFIX}"))  # none beside a source


def test_the_compiled_router_decides_exactly_as_its_sources():
    built = _run(DIGEST, ROOT)
    source = _run(DIGEST, ROOT, **{compiled.SOURCE_ONLY: "1"})

    built_digest, built_file = built.stdout.split()
    source_digest, source_file = source.stdout.split()
    assert Path(built_file).is_relative_to(compiled.BUILD) and source_file.endswith("core.py")
    assert built_digest == source_digest
    assert "runs from its sources: BLUFIO_ROUTER_SOURCE is set" in source.stderr


def test_the_build_is_found_from_any_working_directory(tmp_path):
    ran = _run(WHICH, tmp_path, path=ROOT)

    assert ran.stdout.split() == ["opus", "False", "False", "False"], ran.stderr


def test_after_a_source_is_edited_every_router_module_runs_from_its_source(tmp_path):
    _copy_router(tmp_path, with_build=True)
    (tmp_path / "routing" / "core.py").open("a").write("\nEDITED = True\n")

    ran = _run(WHICH, tmp_path)

    # All or none: a compiled module calls the others' compiled code directly.
    assert ran.stdout.split() == ["opus", "True", "True", "True"], ran.stderr
    assert "runs from its sources: a source changed since `make compiled`" in ran.stderr


def test_an_incomplete_build_is_not_used_and_make_compiled_completes_it(tmp_path):
    _copy_router(tmp_path, with_build=True)
    build = tmp_path / compiled.BUILD.relative_to(ROOT)
    next(build.glob(f"*{compiled.RUNTIME}*")).unlink()  # mypyc's shared runtime

    ran = _run(WHICH, tmp_path)

    assert ran.stdout.split() == ["opus", "True", "True", "False"], ran.stderr
    assert "is incomplete: run `make compiled`" in ran.stderr


def test_an_unedited_copy_runs_compiled_and_one_never_built_from_source(tmp_path):
    _copy_router(tmp_path / "built", with_build=True)
    _copy_router(tmp_path / "plain", with_build=False)

    built, plain = _run(WHICH, tmp_path / "built"), _run(WHICH, tmp_path / "plain")

    assert built.stdout.split() == ["opus", "False", "False", "False"] and not built.stderr
    assert plain.stdout.split() == ["opus", "True", "True", "False"] and not plain.stderr


def test_the_frozen_records_copy_and_pickle_when_compiled():
    config = core.RouterConfig(sonnet_from=0.2)
    thread = Thread(1, 0.5, 0, 0.0, 10, 1)

    assert copy.deepcopy(config) == config and pickle.loads(pickle.dumps(config)) == config
    assert pickle.loads(pickle.dumps(thread)) == thread
    table = copy.copy(core.FITTED)
    assert table.bias == core.FITTED.bias and table.kept_turns("hi") == core.FITTED.turn_latent(
        "hi"
    )


def test_a_build_that_fails_leaves_the_sources_running_without_a_warning(tmp_path):
    _copy_router(tmp_path, with_build=False)
    build = "from routing import compiled; compiled.build()"

    failed = _run(build, tmp_path, CC="/nonexistent/cc")  # no C compiler
    ran = _run(WHICH, tmp_path)

    assert failed.returncode != 0
    assert not [path for path in (tmp_path / "build").rglob("*") if path.is_file()]
    assert ran.stdout.split() == ["opus", "True", "True", "False"] and not ran.stderr
