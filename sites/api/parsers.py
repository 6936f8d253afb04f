"""The JSON parser for every API endpoint: malformed JSON of any shape is a 400, never a 500."""

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser


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
    """DRF's parser, plus two refusals:

    - JSON nested deeper than Python's recursion limit (``[[[[…]]]]``) is a parse error instead
      of a RecursionError;
    - a NUL character (``\\u0000``) in any string is refused here, once, because PostgreSQL
      cannot store or even compare it, and a lookup with one (``home_municipality``) would fail
      in the database instead of as a field error.
    """

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError("JSON-innholdet er for dypt nøstet.") from None
        if _contains_nul(data):
            raise ParseError("Tekst i forespørselen kan ikke inneholde NUL-tegn (\\u0000).")
        return data
