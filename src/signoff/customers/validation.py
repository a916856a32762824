"""Checks on what staff type about vehicles: VINs (email and phone checks are in core.validation)."""

from __future__ import annotations

# What staff may type for a VIN: 17 characters, with the spaces and dashes it is often written
# with (they are dropped).
VIN_INPUT_MAX_LENGTH = 30

_VIN_VALUES = {
    **{str(d): d for d in range(10)},
    **dict(zip("ABCDEFGH", range(1, 9), strict=True)),
    **dict(zip("JKLMN", range(1, 6), strict=True)),
    "P": 7,
    "R": 9,
    **dict(zip("STUVWXYZ", range(2, 10), strict=True)),
}
_VIN_WEIGHTS = [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2]


def vin_check_digit(vin: str) -> str:
    total = sum(_VIN_VALUES[c] * w for c, w in zip(vin, _VIN_WEIGHTS, strict=True))
    remainder = total % 11
    return "X" if remainder == 10 else str(remainder)


def looks_like_vin(text: str) -> bool:
    """Seventeen VIN characters: what a search should take for a whole VIN, not for a name."""
    text = text.strip().upper()
    return len(text) == 17 and all(c in _VIN_VALUES for c in text)


def clean_vin(raw: str) -> tuple[str, list[str]]:
    """(VIN upper-cased, warnings). Raises ValueError when it cannot be a VIN at all.

    The check digit (position 9) is only warned on: VINs before 1981 and many non-North-American
    VINs do not use it, and the shop still has to write the vehicle down.
    """
    if len(raw or "") > VIN_INPUT_MAX_LENGTH:
        raise ValueError(f"Use at most {VIN_INPUT_MAX_LENGTH} characters for the VIN.")
    vin = (raw or "").strip().upper().replace(" ", "").replace("-", "")
    if not vin:
        return "", []
    if len(vin) != 17:
        raise ValueError(f"A VIN has 17 characters; this one has {len(vin)}.")
    bad = sorted({c for c in vin if c in "IOQ"})
    if bad:
        raise ValueError(
            f"A VIN never contains {', '.join(bad)} (they look like 1 and 0). Check those characters."
        )
    if not all(c in _VIN_VALUES for c in vin):
        raise ValueError("A VIN has only letters and digits.")
    warnings = []
    if vin_check_digit(vin) != vin[8]:
        warnings.append(
            "The VIN's check digit (9th character) does not match; please double-check the VIN."
        )
    return vin, warnings
