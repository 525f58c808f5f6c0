"""The README names only files that are in the repository."""

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CODE = re.compile(r"`([^`\s]+)`")
FILE_NAME = re.compile(r"^[\w.*-]+\.(py|html|jsonl|toml|lua|yaml|md|ini|txt)$")
ROW_DIR = re.compile(r"^\| `([\w/.-]+/)` \|")
RUNTIME = ("var/", "build/")  # made by running: the dev database and broker, `make compiled`


def _tracked() -> set[str]:
    out = subprocess.run(
        ["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    files = set(out.split())
    return files | {str(parent) + "/" for f in files for parent in Path(f).parents}


def _missing(readme: str, tracked: set[str]) -> list[str]:
    names = {Path(f).name for f in tracked}
    missing = []
    for line in readme.splitlines():
        row = ROW_DIR.match(line)
        for token in CODE.findall(line):
            if token.startswith(("/", "http", "-", ".venv/")) or "://" in token:
                continue  # URLs, API paths, options, the virtualenv
            if "/" in token and not token.startswith(RUNTIME):
                pattern = token.rstrip("/")
                if (
                    not any(
                        Path(f.rstrip("/")).match(pattern)
                        for f in tracked
                        if "/" in f or f == pattern
                    )
                    and pattern not in tracked
                ):
                    missing.append(token)
            elif FILE_NAME.match(token):
                where = row.group(1) + token if row else None
                if (where and where not in tracked) or (not where and token not in names):
                    missing.append(where or token)
    return missing


def test_every_file_the_readme_names_exists():
    readme = (ROOT / "README.md").read_text()

    assert _missing(readme, _tracked()) == []


def test_the_check_finds_a_file_that_is_not_there():
    tracked = {"blufio/", "blufio/models.py"}

    assert _missing("| `blufio/` | `agent.py` and `blufio/models.py` |", tracked) == [
        "blufio/agent.py"
    ]
    assert _missing("see `blufio/agent.py`", tracked) == ["blufio/agent.py"]
