"""The one memo of ketacost: values worked out once and remembered, within a bound.

A batch repeats a few hundred places, plan types, households and source lists over millions of
records, so the calculator remembers what it worked out from them. Those values often come from
objects that cannot be hashed (a pricing model, a year's tax law): they are keyed here by their
identity, and the memo holds the objects themselves, so that no id is reused by another object
while its value is remembered. A memo is cleared whole when full: a bound, not an eviction
policy, since the hits come from a handful of keys.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

T = TypeVar("T")


class Memo(Generic[T]):
    """At most ``size`` remembered values, each under a key and the identity of ``held`` objects."""

    __slots__ = ("_hits", "_size")

    def __init__(self, size: int) -> None:
        self._size = size
        self._hits: dict[tuple[Hashable, ...], tuple[tuple[object, ...], T]] = {}

    def recall(
        self, key: tuple[Hashable, ...], held: tuple[object, ...], make: Callable[..., T],
        *args: object,
    ) -> T:
        """The value remembered for ``key`` and the objects ``held`` (by identity), else
        ``make(*args)``, remembered."""
        full = (*key, *(id(obj) for obj in held))
        hit = self._hits.get(full)
        if hit is not None and all(a is b for a, b in zip(hit[0], held, strict=True)):
            return hit[1]
        value = make(*args)
        if len(self._hits) >= self._size:
            self._hits.clear()
        self._hits[full] = (held, value)
        return value

    def __len__(self) -> int:
        return len(self._hits)

    def clear(self) -> None:
        self._hits.clear()
