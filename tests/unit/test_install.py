"""The image and `make` install the same locked dependencies with the same installer."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_image_and_make_install_from_the_lock_with_the_same_uv():
    makefile = (ROOT / "Makefile").read_text()
    dockerfile = (ROOT / "Dockerfile").read_text()
    [make_uv] = re.findall(r"^UV_VERSION := (\S+)$", makefile, re.M)

    assert re.findall(r"pip install --no-cache-dir uv==(\S+)", dockerfile) == [make_uv]
    assert "uv sync --locked" in dockerfile and "--editable" not in dockerfile
    assert "$(UV) sync --locked" in makefile
