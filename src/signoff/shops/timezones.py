"""The time zones a shop picks from: a short list of the zones North American shops use.

Every zone is a canonical IANA name (no `US/Pacific` aliases), so what is stored is what
`zoneinfo` and PostgreSQL both know. The settings page offers this list plus the shop's own
zone when it is another one (set with `signoff shop create --timezone` or the admin), so a
saved value is never dropped from the page; the service accepts any zone `zoneinfo` knows.
"""

from __future__ import annotations

import zoneinfo
from functools import cache

# (group, [(zone, label), …]) in the order a shop reads them: east to west.
COMMON_ZONES: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = (
    (
        "United States",
        (
            ("America/New_York", "Eastern — New York"),
            ("America/Chicago", "Central — Chicago"),
            ("America/Denver", "Mountain — Denver"),
            ("America/Phoenix", "Mountain, no daylight saving — Phoenix"),
            ("America/Los_Angeles", "Pacific — Los Angeles"),
            ("America/Anchorage", "Alaska — Anchorage"),
            ("Pacific/Honolulu", "Hawaii — Honolulu"),
            ("America/Puerto_Rico", "Atlantic — Puerto Rico"),
        ),
    ),
    (
        "Canada",
        (
            ("America/St_Johns", "Newfoundland — St. John's"),
            ("America/Halifax", "Atlantic — Halifax"),
            ("America/Toronto", "Eastern — Toronto"),
            ("America/Winnipeg", "Central — Winnipeg"),
            ("America/Regina", "Central, no daylight saving — Regina"),
            ("America/Edmonton", "Mountain — Edmonton"),
            ("America/Vancouver", "Pacific — Vancouver"),
        ),
    ),
)


@cache
def timezone_names() -> frozenset[str]:
    """Every IANA zone name this machine knows: what a shop's zone may be."""
    return frozenset(zoneinfo.available_timezones())


def timezone_choices(current: str = "") -> list[tuple[str, list[tuple[str, str]]]]:
    """The grouped choices for a zone drop-down, with `current` kept when it is another zone."""
    groups = [(group, list(zones)) for group, zones in COMMON_ZONES]
    listed = {zone for _group, zones in COMMON_ZONES for zone, _label in zones}
    if current and current not in listed and current in timezone_names():
        groups.insert(0, ("This shop's zone", [(current, current.replace("_", " "))]))
    return groups
