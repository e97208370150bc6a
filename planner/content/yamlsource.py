"""YAML with line numbers, so every problem can point at the line to fix.

Only the safe subset of YAML is accepted (no Python tags). Mappings come back as `LineDict`,
sequences as `LineList`; each knows the 1-based line it starts on and the line of each key or item.
"""

from __future__ import annotations

from typing import Any

import yaml

try:  # libyaml's parser is several times faster; its constructor is the same safe one.
    _Base = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - PyYAML built without libyaml
    _Base = yaml.SafeLoader


class LineDict(dict):
    """A mapping that remembers where it and each of its keys start."""

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.line = 0
        self.key_lines: dict[Any, int] = {}  # a record made for a non-mapping has no keys

    def line_of(self, key: Any) -> int:
        return self.key_lines.get(key, self.line)


class LineList(list):
    """A sequence that remembers where it and each of its items start."""

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.line = 0
        self.item_lines: list[int] = []

    def line_of(self, index: int) -> int:
        return self.item_lines[index] if index < len(self.item_lines) else self.line


class _LineLoader(_Base):  # type: ignore[misc, valid-type]
    pass


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    out = LineDict()
    out.line = node.start_mark.line + 1
    out.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        try:
            hash(key)
        except TypeError as exc:
            raise yaml.constructor.ConstructorError(
                None, None, "a mapping key must be a plain value", key_node.start_mark
            ) from exc
        out[key] = loader.construct_object(value_node, deep=True)
        out.key_lines[key] = key_node.start_mark.line + 1
    return out


def _construct_sequence(loader: _LineLoader, node: yaml.SequenceNode) -> LineList:
    out = LineList(loader.construct_object(child, deep=True) for child in node.value)
    out.line = node.start_mark.line + 1
    out.item_lines = [child.start_mark.line + 1 for child in node.value]
    return out


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


class YamlSyntaxError(ValueError):
    """YAML that does not parse; `line` is 1-based (0 when unknown)."""

    def __init__(self, message: str, line: int):
        self.line = line
        super().__init__(message)


# Bounds on what a content or import file may build. An alias (`*name`) repeats a whole subtree,
# so a few lines of aliases of aliases ("billion laughs") expand to billions of nodes: aliases
# are refused outright (no pack or deadline file needs them), and the document is walked before
# it is built, so a huge or deeply nested one is refused before it costs time or memory.
MAX_NODES = 200_000
MAX_DEPTH = 60


def load_yaml(text: str, first_line: int = 1) -> Any:
    """Parse `text` (which starts on line `first_line` of its file) keeping line numbers.

    Raises `YamlSyntaxError` for YAML that does not parse and for a document that uses an alias,
    has more than `MAX_NODES` values or nests deeper than `MAX_DEPTH`."""
    try:
        loader = _LineLoader(text)
        try:
            node = loader.get_single_node()
            if node is None:
                return None
            _check_bounds(node, text, first_line)
            data = loader.construct_document(node)
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + first_line if mark is not None else 0
        problem = exc.problem or exc.context or "invalid YAML"
        context = exc.context_mark
        if exc.problem and exc.context and context is not None and context.line + first_line != line:
            # An unclosed quote is found at the end of the file; say where it was opened.
            problem += f" ({exc.context} that starts on line {context.line + first_line})"
        raise YamlSyntaxError(f"invalid YAML: {problem}", line) from exc
    except yaml.YAMLError as exc:
        raise YamlSyntaxError(f"invalid YAML: {exc}", first_line) from exc
    if first_line != 1:
        _shift(data, first_line - 1)
    return data


def _check_bounds(root: yaml.Node, text: str, first_line: int) -> None:
    """Refuse a composed document that shares a node (an alias), is too large or too deep."""
    seen: set[int] = set()
    stack: list[tuple[yaml.Node, int]] = [(root, 1)]
    while stack:
        node, depth = stack.pop()
        if id(node) in seen:
            raise YamlSyntaxError("YAML aliases (*name) are not allowed in content files: write "
                                  "the value out in full", _alias_line(text) + first_line - 1)
        seen.add(id(node))
        line = node.start_mark.line + first_line
        if len(seen) > MAX_NODES:
            raise YamlSyntaxError(f"too many values: a content file may hold at most {MAX_NODES:,}",
                                  line)
        if depth > MAX_DEPTH:
            raise YamlSyntaxError(f"nested more than {MAX_DEPTH} levels deep", line)
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                stack.append((key, depth + 1))
                stack.append((value, depth + 1))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend((child, depth + 1) for child in node.value)


def _alias_line(text: str) -> int:
    """The 1-based line of the first alias in `text` (1 when the scanner cannot say)."""
    try:
        for token in yaml.scan(text, Loader=_Base):
            if isinstance(token, yaml.AliasToken):
                return token.start_mark.line + 1
    except yaml.YAMLError:
        pass
    return 1


def _shift(value: Any, offset: int) -> None:
    if isinstance(value, LineDict):
        value.line += offset
        value.key_lines = {k: v + offset for k, v in value.key_lines.items()}
        for item in value.values():
            _shift(item, offset)
    elif isinstance(value, LineList):
        value.line += offset
        value.item_lines = [v + offset for v in value.item_lines]
        for item in value:
            _shift(item, offset)
