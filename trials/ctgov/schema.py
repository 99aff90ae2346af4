"""Schema drift and NUL bytes: what is checked on a raw study before it is parsed.

The expected JSON type of every field of a study is derived from the API's OpenAPI
description (``openapi-v2.0.5.yaml``) into ``schema_types.json``, a flat table of
paths ("protocolSection.statusModule", "...conditions[]") to JSON types. A value of
the wrong type (a string where a list belongs, ``null`` where a module belongs)
refuses the whole study with a message naming the field and the NCT id: parsing it
anyway turned "PTSD" into the conditions P, S, T, D. Fields the table does not
know (the API adds some between versions) are not checked; enum values are not
checked here (the parser keeps unknown ones with a warning).

Regenerate the table after an API upgrade (needs PyYAML):
``python -m trials.ctgov.schema openapi.yaml > trials/ctgov/schema_types.json``
"""

import json
import sys
from functools import lru_cache
from pathlib import Path
from typing import Any

from trials.ctgov.records import ParseError

TABLE_PATH = Path(__file__).with_name("schema_types.json")
JSON_TYPES = {
    "object": dict,
    "array": list,
    "string": str,
    "integer": int,
    "number": int | float,
    "boolean": bool,
}


class SchemaDrift(ParseError):
    """A field of a study has a JSON type the API's schema does not allow."""


def type_table(spec: dict, root: str = "Study") -> dict[str, str]:
    """Flatten the spec's study schema into {path: JSON type}; arrays' items end in "[]"."""
    schemas = spec["components"]["schemas"]
    table: dict[str, str] = {}

    def resolve(node: dict) -> dict:
        while "$ref" in node:
            node = schemas[node["$ref"].rsplit("/", 1)[-1]]
        return node

    def walk(node: dict, path: str, seen: tuple[str, ...]) -> None:
        ref = node.get("$ref", "").rsplit("/", 1)[-1]
        if ref in seen:  # a recursive schema: the outer level's check is enough
            return
        node = resolve(node)
        kind = node.get("type")
        if kind not in JSON_TYPES:
            return  # anyOf and friends: not checked
        if path:
            table[path] = kind
        seen = (*seen, ref) if ref else seen
        if kind == "object":
            for name, child in (node.get("properties") or {}).items():
                walk(child, f"{path}.{name}" if path else name, seen)
        elif kind == "array" and "items" in node:
            walk(node["items"], f"{path}[]", seen)

    walk({"$ref": f"#/components/schemas/{root}"}, "", ())
    return dict(sorted(table.items()))


@lru_cache(maxsize=1)
def expected_types() -> dict[str, str]:
    return json.loads(TABLE_PATH.read_text(encoding="utf-8"))


def _is(value: Any, kind: str) -> bool:
    if isinstance(value, bool) and kind != "boolean":
        return False  # JSON true is not the integer 1
    return isinstance(value, JSON_TYPES[kind])


def _describe(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    names = {dict: "an object", list: "an array", str: "a string", int: "an integer"}
    return names.get(type(value), f"a {type(value).__name__}")


def check_types(study: Any, nct_id: str, table: dict[str, str] | None = None) -> None:
    """Raise SchemaDrift naming the first field whose JSON type the schema does not allow."""
    table = table or expected_types()

    def walk(value: Any, path: str, shown: str) -> None:
        kind = table.get(path)
        if kind is None:
            return
        if not _is(value, kind):
            raise SchemaDrift(
                f"{nct_id}: field {shown} should be {_article(kind)} but is "
                f"{_describe(value)}: {json.dumps(value, ensure_ascii=False)[:80]}; "
                "study refused, nothing of it written"
            )
        if kind == "object":
            for key, child in value.items():
                walk(child, f"{path}.{key}" if path else key, f"{shown}.{key}" if shown else key)
        elif kind == "array":
            for index, child in enumerate(value):
                walk(child, f"{path}[]", f"{shown}[{index}]")

    if not isinstance(study, dict):
        raise SchemaDrift(f"{nct_id}: the study is {_describe(study)}, not an object")
    for key, child in study.items():
        walk(child, key, key)


def _article(kind: str) -> str:
    return f"an {kind}" if kind[0] in "aeiou" else f"a {kind}"


def strip_nul(value: Any) -> tuple[Any, int]:
    """The value with every NUL character removed from strings and keys, and how many went.

    PostgreSQL refuses NUL in text and jsonb; a NUL is never meaningful registry text.
    """
    if isinstance(value, dict | list) and "\\u0000" not in json.dumps(value):
        return value, 0  # the common case, checked at C speed instead of walked in Python
    if isinstance(value, str):
        count = value.count("\x00")
        return (value.replace("\x00", ""), count) if count else (value, 0)
    if isinstance(value, list):
        total, items = 0, []
        for item in value:
            item, count = strip_nul(item)
            items.append(item)
            total += count
        return (items, total) if total else (value, 0)
    if isinstance(value, dict):
        total, cleaned = 0, {}
        for key, item in value.items():
            key, key_count = strip_nul(key)
            item, count = strip_nul(item)
            cleaned[key] = item
            total += key_count + count
        return (cleaned, total) if total else (value, 0)
    return value, 0


if __name__ == "__main__":
    import yaml  # only needed to regenerate the table

    spec = yaml.safe_load(Path(sys.argv[1]).read_text(encoding="utf-8"))
    sys.stdout.write(json.dumps(type_table(spec), indent=1) + "\n")
