"""The JSON parser for every API endpoint: malformed JSON of any shape is a 400, never a 500."""

import codecs

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser, get_encoding  # type: ignore[attr-defined]  # in DRF, not in its stubs
from rest_framework.utils import json


class DuplicateKeyError(ValueError):
    pass


def _refuse_duplicate_keys(pairs: list[tuple[str, object]]) -> dict:
    """An object with one key twice (``{"scope": "all", "scope": "register"}``) is refused: which
    value counts would depend on the parser, and a proxy or log could read the other one."""
    data = dict(pairs)
    if len(data) != len(pairs):
        raise DuplicateKeyError
    return data


def _contains_nul(data) -> bool:
    """Any string (value or key) with a NUL character, at any depth; iterative, so no recursion."""
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if "\x00" in item:
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


class SafeJSONParser(JSONParser):
    """DRF's parser, plus three refusals:

    - JSON nested deeper than Python's recursion limit (``[[[[…]]]]``) is a parse error instead
      of a RecursionError;
    - a NUL character (``\\u0000``) in any string is refused here, once, because PostgreSQL
      cannot store or even compare it, and a lookup with one (``home_municipality``) would fail
      in the database instead of as a field error;
    - the same key twice in one object, at any depth (the message does not name the key).
    """

    def parse(self, stream, media_type=None, parser_context=None):
        encoding = get_encoding(parser_context or {})
        try:
            data = json.load(
                codecs.getreader(encoding)(stream),  # type: ignore[arg-type]  # stubs: IO[str], json reads .read() only
                parse_constant=json.strict_constant if self.strict else None,
                object_pairs_hook=_refuse_duplicate_keys,
            )
        except RecursionError:
            raise ParseError("JSON-innholdet er for dypt nøstet.") from None
        except DuplicateKeyError:
            raise ParseError("Et JSON-objekt har samme nøkkel flere ganger.") from None
        except ValueError as exc:
            raise ParseError(f"JSON parse error - {exc}") from None
        if _contains_nul(data):
            raise ParseError("Tekst i forespørselen kan ikke inneholde NUL-tegn (\\u0000).")
        return data
