"""Units of measure: canonical UN/ECE Recommendation 20 codes <-> X12 data element 355.

The canonical ``unit`` is a Rec. 20 code (``PCE``, ``KGM``, ``MTR``...), which is what EDIFACT
carries in QTY 6411. X12 element 355 is an ID of exactly two characters from its own list, so
the X12 codec translates at the edge:

- writing, a Rec. 20 code in :data:`REC20_TO_X12` becomes its 355 code; any other two-character
  code is written as it is (``EA``, ``PR``, ``BX``... mean the same in both lists); anything
  else is refused, since element 355 cannot carry it;
- reading, a 355 code in :data:`X12_TO_REC20` becomes its Rec. 20 code; any other code is kept
  as sent.

The table is one-to-one (each side's code maps back to the other), so a canonical document whose
units are Rec. 20 codes from the table or two-character codes outside its X12 column survives an
X12 round trip unchanged. Add a pair only when both codes name the same unit.
"""

from __future__ import annotations

from edi.codecs.base import CanonicalError

# Rec. 20 code -> X12 355 code, where they differ. Both columns unique.
REC20_TO_X12: dict[str, str] = {
    "PCE": "PC",  # piece
    "KGM": "KG",  # kilogram
    "GRM": "GR",  # gram
    "LBR": "LB",  # pound
    "MTR": "MR",  # metre
    "CMT": "CM",  # centimetre
    "MMT": "MM",  # millimetre
    "FOT": "FT",  # foot
    "INH": "IN",  # inch
    "MTK": "SM",  # square metre
    "LTR": "LT",  # litre
    "DZN": "DZ",  # dozen
    "SET": "ST",  # set
    "HUR": "HR",  # hour
}
X12_TO_REC20: dict[str, str] = {x12: rec20 for rec20, x12 in REC20_TO_X12.items()}
assert len(X12_TO_REC20) == len(REC20_TO_X12), "the unit table must be one-to-one"

# Written only: newer Rec. 20 codes for a unit the table already has. H87 replaced PCE in
# Rec. 20 revision 5; an X12 PC reads back as PCE, the code EANCOM partners still send.
WRITE_ALIASES: dict[str, str] = {"H87": "PC"}


def unit_to_x12(unit: str, where: str = "unit") -> str:
    """The X12 355 code for a canonical unit; raises :class:`CanonicalError` when there is none."""
    if not unit:
        return ""
    mapped = REC20_TO_X12.get(unit) or WRITE_ALIASES.get(unit)
    if mapped is not None:
        return mapped
    if len(unit) == 2 and unit.isascii() and unit.isalnum():
        return unit
    raise CanonicalError(
        f"{where}: {unit!r} has no X12 unit code (element 355 takes two characters; "
        f"the Rec. 20 codes translated are {', '.join(sorted(REC20_TO_X12))})"
    )


def unit_from_x12(code: str) -> str:
    """The canonical (Rec. 20) unit for an X12 355 code; unknown codes are kept as sent."""
    return X12_TO_REC20.get(code, code)


__all__ = ["REC20_TO_X12", "WRITE_ALIASES", "X12_TO_REC20", "unit_from_x12", "unit_to_x12"]
