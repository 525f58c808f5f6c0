"""The router core compiled to C with mypyc, used only when built from the sources as
they are.

`build()` (run by `make compiled`) compiles `MODULES` in place, next to their
sources, and writes each source's hash to `STAMP`. Python imports a compiled module
before its source, so a compiled module built from an older source would run old code:
when any hash differs (a source edited since the build) or `BLUFIO_ROUTER_SOURCE` is
set, `use_current()` has every module of `MODULES` imported from its source instead.
It is all or none: mypyc links the compiled modules to each other directly.

Pure standard library, imported by `routing/__init__.py` before any of `MODULES`.
"""

import hashlib
import importlib.abc
import importlib.machinery
import importlib.util
import logging
import os
import subprocess
import sys
from pathlib import Path

logger = logging.getLogger(__name__)

PACKAGE = Path(__file__).resolve().parent
ROOT = PACKAGE.parent  # mypyc is run from here, and leaves its shared library here
MODULES = (  # what a decision runs, in no particular order; not the data (weights, cues)
    "routing.tiers", "routing.effort", "routing.lexicon", "routing.message", "routing.signals",
    "routing.core",
)  # fmt: skip
STAMP = PACKAGE / "compiled.sha256"
SOURCE_ONLY = "BLUFIO_ROUTER_SOURCE"  # set (to anything) to run the sources anyway


def source_path(module: str) -> Path:
    base = ROOT.joinpath(*module.split("."))
    return base / "__init__.py" if base.is_dir() else base.with_suffix(".py")


def digests() -> str:
    """The stamp for the sources as they are: one `hash  path` line per module."""
    lines = []
    for module in MODULES:
        path = source_path(module)
        lines.append(f"{hashlib.sha256(path.read_bytes()).hexdigest()}  {path.relative_to(ROOT)}")
    return "\n".join(lines) + "\n"


def built() -> bool:
    """Whether a compiled module of `MODULES` is there to be imported."""
    suffixes = tuple(importlib.machinery.EXTENSION_SUFFIXES)
    for module in MODULES:
        source = source_path(module)
        if any(source.with_name(source.stem + suffix).exists() for suffix in suffixes):
            return True
    return False


def current() -> bool:
    """Whether the compiled modules were built from the sources as they are."""
    return STAMP.exists() and STAMP.read_text() == digests()


class _Sources(importlib.abc.MetaPathFinder):
    """Finds `MODULES` as their source files, ahead of the compiled ones."""

    def find_spec(self, name, path=None, target=None):
        if name not in MODULES:
            return None
        source = source_path(name)
        package = [str(source.parent)] if source.name == "__init__.py" else None
        return importlib.util.spec_from_file_location(
            name, source, submodule_search_locations=package
        )


def use_current() -> None:
    """Import the router from its sources if the compiled modules are not current (or
    `SOURCE_ONLY` is set): call before any of `MODULES` is imported."""
    if not built():
        return
    if os.environ.get(SOURCE_ONLY):
        reason = f"{SOURCE_ONLY} is set"
    elif not current():
        reason = "a source changed since `make compiled`"
    else:
        return
    logger.warning("The router runs from its sources: %s", reason)
    sys.meta_path.insert(0, _Sources())


def build() -> None:
    """Compile `MODULES` in place unless they are current; raises if mypyc fails."""
    if built() and current():
        return
    paths = [str(source_path(module).relative_to(ROOT)) for module in MODULES]
    STAMP.unlink(missing_ok=True)
    subprocess.run(
        [sys.executable, "-m", "mypyc", *paths], cwd=ROOT, check=True, stdout=subprocess.DEVNULL
    )
    STAMP.write_text(digests())
