"""Frozen records that copy and pickle the same compiled or not."""

from dataclasses import fields
from typing import Any


class Rebuilt:
    """A base for frozen dataclasses: `copy` and `pickle` rebuild them through
    `__init__`, since compiled by mypyc a frozen dataclass refuses the attribute writes
    they would otherwise make."""

    __slots__ = ()

    def __reduce__(self) -> tuple[type, tuple[Any, ...]]:
        record: Any = self
        return type(self), tuple(getattr(self, f.name) for f in fields(record) if f.init)
