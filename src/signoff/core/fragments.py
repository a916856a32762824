"""Rendered fragments kept in the process, keyed by everything they show.

A page that repeats one block per row (an operation card on the customer page) renders the same
HTML again for every view of the same estimate. `FragmentMemo` renders such a block once per
distinct input and hands the HTML back after that. Its key is the `repr` of the whole context
the fragment renders with, plus the active language: a fragment's template reads only that
context (it is rendered alone, never with the page's), so two equal keys render equal HTML, and
nothing can make an entry stale. A change of data is a new key; a deploy is a new process.

The context must be plain values (str, numbers, Decimal, bool, None, dates and times, enums of them, and lists,
tuples, dicts and dataclasses of them), whose repr is their whole value; anything else (a model
instance, a lazy string) is refused with TypeError when first rendered. The memo is bounded in
entries and in characters held (least recently used entries go first, so input a client chose
cannot grow it without end) and safe across threads.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import threading
from collections import OrderedDict
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.template.loader import get_template
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe


class FragmentMemo:
    def __init__(
        self, template_name: str, *, size: int = 4096, max_bytes: int = 32 * 1024 * 1024
    ) -> None:
        self.template_name = template_name
        self.size = size
        self.max_bytes = max_bytes
        self._entries: OrderedDict[str, SafeString] = OrderedDict()
        self._bytes = 0  # characters of the keys and fragments held
        self._lock = threading.Lock()

    def render(self, context: Mapping[str, Any]) -> SafeString:
        """The fragment for `context` (its template sees nothing else)."""
        key = f"{translation.get_language()}\x00{context!r}"
        with self._lock:
            html = self._entries.get(key)
            if html is not None:
                self._entries.move_to_end(key)
                return html
        _require_plain(context)
        html = mark_safe(get_template(self.template_name).render(dict(context)))  # noqa: S308
        with self._lock:
            if key not in self._entries:
                self._entries[key] = html
                self._bytes += len(key) + len(html)
            while self._entries and (
                len(self._entries) > self.size or self._bytes > self.max_bytes
            ):
                old_key, old_html = self._entries.popitem(last=False)
                self._bytes -= len(old_key) + len(old_html)
        return html

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._bytes = 0

    def __len__(self) -> int:
        return len(self._entries)


# An aware datetime's repr names its zone too (datetime.timezone.utc, ZoneInfo(key=…)).
_SCALARS = (str, int, float, Decimal, bool, type(None), dt.datetime, dt.date)


def _require_plain(value: Any) -> None:
    """Refuse a value whose repr may not be all of it (the key would not name the fragment)."""
    if type(value) in _SCALARS:
        return
    if isinstance(value, enum.Enum):  # repr names the class and the value
        _require_plain(value.value)
        return
    if isinstance(value, list | tuple):
        for item in value:
            _require_plain(item)
    elif isinstance(value, dict):
        for name, item in value.items():
            _require_plain(name), _require_plain(item)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            if f.repr:
                _require_plain(getattr(value, f.name))
            else:
                raise TypeError(f"{type(value).__name__}.{f.name} is left out of its repr")
    else:
        raise TypeError(f"A fragment's context holds only plain values, not {type(value)!r}")
