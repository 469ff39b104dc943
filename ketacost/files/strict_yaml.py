"""Strict YAML: exact decimals, no tags, aliases, duplicate keys or deep nesting, bounded size."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from ..core.errors import PricingError, printable

if TYPE_CHECKING:  # paths are str here: pathlib costs `estimate --json` about 10 ms to import
    pass

MAX_BYTES = 1_048_576  # a price list is tens of KB; refuse anything over 1 MiB
MAX_DEPTH = 32
MAX_NODES = 10_000  # keys, values and list items of a scenario file or clinic profile
# A pricing file may hold all that fits in MAX_BYTES: 8,900 sources are about 100,000 values,
# and no file the model accepts spends less than 4 bytes a value. The bound keeps a hostile
# 1 MiB file (`[0,0,0,…]`, 2 bytes a value) from costing more than about 1.5 s to read.
MAX_PRICING_NODES = MAX_BYTES // 4


_LINES_AND_TABS = str.maketrans("\n\t", "  ")


def control_characters(value: Any, path: str = "") -> Iterator[str]:
    """Keys and text with control characters (a "\\e[2J" label would clear the screen of
    whoever runs `pricing show`): every place, as ``path: problem``."""
    if isinstance(value, str):
        text = value.translate(_LINES_AND_TABS)  # a literal block's lines and tabs are text
        if printable(text) != text:
            yield f'{path or "(top)"}: control character in "{printable(value)[:60]}"'
    elif isinstance(value, dict):
        for key, item in value.items():
            where = f"{path}.{printable(str(key))}" if path else printable(str(key))
            if isinstance(key, str) and printable(key) != key:
                yield f"{where}: control character in a key"
            yield from control_characters(item, where)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from control_characters(item, f"{path}.{index}")


def _pricing_error(label: str, message: str) -> Exception:
    return PricingError(label, [message])


def parse_yaml(
    raw: bytes,
    label: str,
    error: Callable[[str, str], Exception] = _pricing_error,
    *,
    max_nodes: int = MAX_NODES,
) -> Any:
    """Parse YAML safely: exact decimals, no tags, aliases, duplicate keys or deep nesting, at
    most ``max_nodes`` keys, values and list items.

    Problems are raised as ``error(label, message)``.
    """
    import yaml

    try:
        text = raw.decode("utf-8-sig")  # a byte-order mark (Notepad) is fine
    except UnicodeDecodeError as exc:
        raise error(label, f"not UTF-8 text (byte {exc.start})") from None
    loader = None
    try:
        loader_class = _strict_loader_class(yaml)
        # YAML spends at least one character on two values ({a,b,…}): a shorter text is within
        # the bound, and reading the built-in pricing file costs no second pass
        too_many = _too_many_values(yaml, text, max_nodes) if 2 * len(text) > max_nodes else None
        if too_many is not None:
            raise error(label, too_many)
        loader = loader_class(text)  # the reader rejects control characters here
        loader.max_nodes = max_nodes
        return loader.get_single_data()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"line {mark.line + 1}: " if mark is not None else ""
        what = exc.problem or exc.context or "invalid YAML"
        if "nesting depth" in what:  # libyaml's own limit, met before ours when it reads ahead
            what = f"nested deeper than {MAX_DEPTH} levels"
        raise error(label, f"{where}{what}") from None
    except yaml.YAMLError as exc:
        raise error(label, "invalid YAML: " + " ".join(str(exc).split())) from None
    except RecursionError:
        raise error(label, f"nested deeper than {MAX_DEPTH} levels") from None
    finally:
        if loader is not None:
            loader.dispose()


def _too_many_values(yaml: Any, text: str, max_nodes: int) -> str | None:
    """``line N: key.path: more than … values`` when ``text`` holds more than ``max_nodes``
    keys, values and list items, else None. Counted on the parser's events before anything is
    composed (composing is the slow part): a 1 MiB flow list is refused in a fifth of a
    second, and named by its key as every other problem is."""
    stack: list[list[Any]] = []  # open collections: [is a mapping, nodes in it, key, own step]
    nodes = 0
    starts = (yaml.ScalarEvent, yaml.SequenceStartEvent, yaml.MappingStartEvent, yaml.AliasEvent)
    parser = _FAST(text) if _FAST is not None else None  # libyaml's events, else PyYAML's
    events = iter(parser.get_event, None) if parser is not None else yaml.parse(text)
    try:
        for event in events:
            if isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
                stack.pop()
                continue
            if not isinstance(event, starts):
                if isinstance(event, yaml.StreamEndEvent):
                    return None
                continue
            step = None
            if stack:
                top = stack[-1]
                if not top[0]:
                    step = str(top[1])
                elif top[1] % 2:
                    step = top[2]
                else:  # a key: a complex one ([a, b]: …) is named "?"
                    scalar = isinstance(event, yaml.ScalarEvent)
                    top[2] = printable(str(event.value))[:60] if scalar else "?"
                top[1] += 1
            nodes += 1
            if nodes > max_nodes:
                where = ".".join(s[3] for s in stack if s[3] is not None)
                where = ".".join(p for p in (where, step) if p) or "(top)"
                line = event.start_mark.line + 1
                return (f"line {line}: {where}: more than {max_nodes:,} values (keys, values "
                        "and list items)")  # fmt: skip
            if isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
                if len(stack) >= MAX_DEPTH:
                    return None  # the loader reports the nesting, with its place
                stack.append([isinstance(event, yaml.MappingStartEvent), 0, None, step])
    except yaml.YAMLError:
        return None  # the loader reports it, with its place
    finally:
        if parser is not None:
            parser.dispose()
    return None


_LOADER: Any = None
_FAST: Any = None  # libyaml's parser class, when PyYAML has it
_PLAIN_INT = re.compile(r"[-+]?[0-9]+")
_PLAIN_DECIMAL = re.compile(r"[-+]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][-+]?[0-9]+)?")
_INT_DIGITS = 100  # no count or figure in a pricing or scenario file has more digits


def _strict_loader_class(yaml: Any) -> Any:
    global _LOADER, _FAST
    if _LOADER is not None:
        return _LOADER

    # libyaml's C parser makes the events (PyYAML's pure-Python scanner took 11 s on a 1 MiB
    # flow list); composing stays in Python, so every node is counted, checked and bounded.
    fast: Any = None
    with contextlib.suppress(ImportError):  # PyYAML without libyaml: slower, still bounded
        from yaml._yaml import CParser

        fast = CParser
        _FAST = CParser
    bases = (yaml.composer.Composer, fast) if fast else (
        yaml.composer.Composer, yaml.parser.Parser, yaml.scanner.Scanner, yaml.reader.Reader
    )  # fmt: skip

    class StrictLoader(*bases, yaml.constructor.SafeConstructor, yaml.resolver.Resolver):  # type: ignore[misc]
        depth = 0
        nodes = 0
        max_nodes = MAX_NODES

        def __init__(self, stream: str) -> None:
            if fast:
                fast.__init__(self, stream)
            else:
                yaml.reader.Reader.__init__(self, stream)
                yaml.scanner.Scanner.__init__(self)
                yaml.parser.Parser.__init__(self)
            yaml.composer.Composer.__init__(self)
            yaml.constructor.SafeConstructor.__init__(self)
            yaml.resolver.Resolver.__init__(self)

        def compose_node(self, parent: Any, index: Any) -> Any:
            if self.check_event(yaml.AliasEvent):
                event = self.peek_event()
                raise yaml.composer.ComposerError(
                    None, None, "YAML aliases (*name) are not allowed", event.start_mark
                )
            self.nodes += 1
            if self.nodes > self.max_nodes:  # counted before (_too_many_values): a safety net
                raise yaml.composer.ComposerError(
                    None, None, f"more than {self.max_nodes:,} values", self.peek_event().start_mark
                )
            self.depth += 1
            if self.depth > MAX_DEPTH:
                raise yaml.composer.ComposerError(
                    None,
                    None,
                    f"nested deeper than {MAX_DEPTH} levels",
                    self.peek_event().start_mark,
                )
            try:
                return super().compose_node(parent, index)
            finally:
                self.depth -= 1

        def construct_mapping(self, node: Any, deep: bool = False) -> Any:
            seen: set[Any] = set()
            for key_node, _ in node.value:
                key = self.construct_object(key_node, deep=True)
                try:
                    duplicate = key in seen
                except TypeError:
                    raise yaml.constructor.ConstructorError(
                        None, None, "a key must be a plain value", key_node.start_mark
                    ) from None
                if duplicate:
                    raise yaml.constructor.ConstructorError(
                        None, None, f"duplicate key {key!r}", key_node.start_mark
                    )
                seen.add(key)
            return super().construct_mapping(node, deep=deep)

    def construct_decimal(loader: Any, node: Any) -> Decimal | str:
        text = str(loader.construct_scalar(node))
        special = {".inf": "Infinity", "+.inf": "Infinity", "-.inf": "-Infinity", ".nan": "NaN"}
        text = special.get(text.lower(), text)  # kept, so validation names the field
        if not _PLAIN_DECIMAL.fullmatch(text) and text not in special.values():
            return text  # 1:30.5 (base 60), 1_0.5: text, refused by the field that reads it
        value = Decimal(text)
        if "e" in text.lower() and value.is_finite() and -12 <= value.adjusted() <= 9:
            # 1.2E+4 is 12000, as the cached model has it (a cache writes figures out in full):
            # the first run and the next print the same digits. Far larger exponents are left
            # for validation to refuse, not written out.
            value = Decimal(format(value, "f"))
        return value

    def construct_text(loader: Any, node: Any) -> str:
        return str(loader.construct_scalar(node))

    def construct_int(loader: Any, node: Any) -> int | str:
        # Only plain decimal digits are a number: YAML 1.1 also reads 0x10 (16), 0b101 (5),
        # 1:30 (90, base 60), 017 (octal) and 1_000, which the command line refuses; such a
        # value stays text and the field that reads it refuses it too (issue 13, item 7).
        # 02134 stays text as well: a ZIP code.
        text = str(loader.construct_scalar(node))
        digits = text.lstrip("+-")
        if not _PLAIN_INT.fullmatch(text) or (len(digits) > 1 and digits.startswith("0")):
            return text
        if len(digits) > _INT_DIGITS:
            return text  # int() refuses over 4,300 digits; the field names the problem
        return int(text)

    StrictLoader.add_constructor("tag:yaml.org,2002:float", construct_decimal)
    StrictLoader.add_constructor("tag:yaml.org,2002:int", construct_int)
    StrictLoader.add_constructor("tag:yaml.org,2002:timestamp", construct_text)
    _LOADER = StrictLoader
    return StrictLoader
