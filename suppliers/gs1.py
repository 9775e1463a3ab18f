"""GS1 numbers: the mod-10 check digit and SSCC-18 serial shipping container codes."""

from __future__ import annotations


def check_digit(digits: str) -> int:
    """GS1 mod-10 check digit: weights 3, 1, 3, ... from the rightmost digit."""
    if not digits.isdigit():
        raise ValueError(f"GS1 numbers are digits only: {digits!r}")
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(digits)))
    return (10 - total % 10) % 10


def sscc(*, extension: int, company_prefix: str, serial_reference: int) -> str:
    """Build an SSCC-18: extension digit + company prefix + serial reference + check digit."""
    if not 0 <= extension <= 9:
        raise ValueError("The extension digit is 0-9.")
    if not (company_prefix.isdigit() and 6 <= len(company_prefix) <= 12):
        raise ValueError("A GS1 company prefix has 6 to 12 digits.")
    width = 16 - len(company_prefix)
    if not 0 <= serial_reference < 10**width:
        raise ValueError(f"The serial reference must fit in {width} digits for this company prefix.")
    body = f"{extension}{company_prefix}{serial_reference:0{width}d}"
    return body + str(check_digit(body))


def sscc_is_valid(value: str) -> bool:
    return len(value) == 18 and value.isdigit() and check_digit(value[:17]) == int(value[17])
