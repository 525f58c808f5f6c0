"""The router core compiled to C with mypyc, used only while built from the sources as
they are.

`build()` (run by `make compiled`) copies the core's sources to `BUILD` (one folder per
Python), compiles `MODULES` there and writes each source's hash beside the build.
`use_current()`, called by `routing/__init__.py` before any of `MODULES` is imported,
has `MODULES` imported from that build when it is complete, its hashes match the
sources as they are and `BLUFIO_ROUTER_SOURCE` is not set; otherwise the sources run
as usual. The build lives outside the source tree, so another commit, another Python or
an edited source never picks it up by accident; and it is all or none, because mypyc
links the compiled modules to each other (and to their shared runtime) directly.

Pure standard library.
"""

import hashlib
import importlib.abc
import importlib.machinery
import importlib.util
import logging
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

logger = logging.getLogger(__name__)

PACKAGE = Path(__file__).resolve().parent
ROOT = PACKAGE.parent
BUILD = ROOT / "build" / "router" / sys.implementation.cache_tag
SUFFIX = sysconfig.get_config_var("EXT_SUFFIX")  # of this Python's extension modules
MODULES = (  # what a decision runs; not the data (weights, cue lists), which stays Python
    "routing.tiers", "routing.effort", "routing.records", "routing.lexicon",
    "routing.message", "routing.signals", "routing.core",
)  # fmt: skip
LANGUAGE_MODULES = "routing.lexicon."  # the cue lists: Python, found by `_Build` too
STAMP = BUILD / "sources.sha256"
RUNTIME = "__mypyc"  # the name of mypyc's shared library ends so
SOURCE_ONLY = "BLUFIO_ROUTER_SOURCE"  # set (to anything) to run the sources anyway
IN_USE = False  # whether the compiled modules were imported (set by `use_current`)


def source_path(module: str) -> Path:
    base = ROOT.joinpath(*module.split("."))
    return base / "__init__.py" if base.is_dir() else base.with_suffix(".py")


def sources() -> list[Path]:
    """What the build is made from: `MODULES` and the modules they read (the weights, the
    cue lists), so that any change to them asks for a new build."""
    found = {source_path(module) for module in MODULES} | {PACKAGE / "weights.py"}
    found.update((PACKAGE / "lexicon").glob("*.py"))
    return sorted(found)


def digests() -> str:
    """The stamp for the sources as they are: one `hash  path` line each."""
    return "".join(
        f"{hashlib.sha256(path.read_bytes()).hexdigest()}  {path.relative_to(ROOT)}\n"
        for path in sources()
    )


def _built_files() -> dict[str, Path] | None:
    """Module name -> compiled file, for `MODULES` and the shared runtime, if all are
    there."""
    files = {m: BUILD.joinpath(*m.split(".")).with_suffix(SUFFIX) for m in MODULES}
    files["routing.lexicon"] = BUILD / "routing" / "lexicon" / f"__init__{SUFFIX}"
    runtimes = list(BUILD.glob(f"*{RUNTIME}{SUFFIX}"))
    if len(runtimes) != 1 or not all(path.exists() for path in files.values()):
        return None
    files[runtimes[0].name.removesuffix(SUFFIX)] = runtimes[0]
    return files


def current() -> bool:
    """Whether a complete build made from the sources as they are is there."""
    return _built_files() is not None and STAMP.exists() and STAMP.read_text() == digests()


class _Build(importlib.abc.MetaPathFinder):
    """Finds `MODULES` and mypyc's runtime in the build, ahead of the sources."""

    def __init__(self, files: dict[str, Path]) -> None:
        self.files = files

    def find_spec(self, name, path=None, target=None):
        file = self.files.get(name)
        if file is not None:
            loader = importlib.machinery.ExtensionFileLoader(name, str(file))
            return importlib.util.spec_from_file_location(name, file, loader=loader)
        if name.startswith(LANGUAGE_MODULES):  # Python, beside the lexicon's source
            return importlib.util.spec_from_file_location(name, source_path(name))
        return None


def use_current() -> None:
    """Import `MODULES` from the build if it is current: call before any is imported."""
    global IN_USE
    if not BUILD.exists():
        return
    files = _built_files()
    if os.environ.get(SOURCE_ONLY):
        reason = f"{SOURCE_ONLY} is set"
    elif files is None:
        reason = f"the build in {BUILD.relative_to(ROOT)} is incomplete: run `make compiled`"
    elif not current():
        reason = "a source changed since `make compiled`"
    else:
        sys.meta_path.insert(0, _Build(files))
        IN_USE = True
        return
    logger.warning("The router runs from its sources: %s", reason)


def build() -> None:
    """Compile `MODULES` into `BUILD` unless it is current; raises if mypyc fails."""
    if current():
        return
    shutil.rmtree(BUILD, ignore_errors=True)
    for path in sources():
        copy = BUILD / path.relative_to(ROOT)
        copy.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, copy)
    (BUILD / "routing" / "__init__.py").write_text("")  # the package, without this module
    compiled = [str(source_path(module).relative_to(ROOT)) for module in MODULES]
    try:
        subprocess.run(
            [sys.executable, "-m", "mypyc", *compiled],
            cwd=BUILD,
            check=True,
            stdout=subprocess.DEVNULL,
        )
    except (OSError, subprocess.CalledProcessError):
        shutil.rmtree(BUILD)  # no C compiler, say: the sources run, with nothing to warn of
        raise
    for leftover in [*BUILD.rglob("*.py"), BUILD / "build", BUILD / ".mypy_cache"]:
        shutil.rmtree(leftover) if leftover.is_dir() else leftover.unlink()
    STAMP.write_text(digests())  # last: a build without its stamp is never used
