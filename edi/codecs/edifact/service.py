"""Service segments and the CONTRL message, written by hand as data.

These are defined by the syntax rules (ISO 9735), not by the UNTDID directory, so they cannot be
generated from /work/shared/edifact-d96a. Shapes are those of ``tables/d96a.py``: an element is
``(pos, code, status, repr)`` or ``(pos, code, status, [(code, status, repr), ...])``.

Sources: ISO 9735:1988 with Amendment 1:1992 (syntax versions 1-3) and ISO 9735-1/-2:1998,
2002 (syntax version 4, the "v4" variants below); CONTRL as published in UNSM CONTRL (syntax 3,
message version 2 release 2; EANCOM uses ``CONTRL:D:3:UN``) and ISO 9735-1:2002 clause 6
(syntax 4, ``CONTRL:4:1:UN``).
"""

from __future__ import annotations

an = lambda n: ("an", 1, n)  # noqa: E731  an..n
n_ = lambda n: ("n", 1, n)  # noqa: E731  n..n
a_ = lambda n: ("a", 1, n)  # noqa: E731  a..n
fixed = lambda kind, n: (kind, n, n)  # noqa: E731

S011_V3 = ("S011", "C", [("0098", "M", n_(3)), ("0104", "C", n_(3))])
S011_V4 = ("S011", "C", [("0098", "M", n_(3)), ("0104", "C", n_(3)), ("0136", "C", n_(6))])

SERVICE_SEGMENTS_V3 = {
    "UNB": ("Interchange header", [
        ("010", "S001", "M", [("0001", "M", fixed("a", 4)), ("0002", "M", fixed("n", 1))]),
        ("020", "S002", "M", [("0004", "M", an(35)), ("0007", "C", an(4)), ("0008", "C", an(14))]),
        ("030", "S003", "M", [("0010", "M", an(35)), ("0007", "C", an(4)), ("0014", "C", an(14))]),
        # 0017 is n6 (YYMMDD); CCYYMMDD is tolerated by the reader and reported as a warning
        ("040", "S004", "M", [("0017", "M", ("n", 6, 8)), ("0019", "M", fixed("n", 4))]),
        ("050", "0020", "M", an(14)),
        ("060", "S005", "C", [("0022", "M", an(14)), ("0025", "C", fixed("an", 2))]),
        ("070", "0026", "C", an(14)),
        ("080", "0029", "C", fixed("a", 1)),
        ("090", "0031", "C", fixed("n", 1)),
        ("100", "0032", "C", an(35)),
        ("110", "0035", "C", fixed("n", 1)),
    ]),
    "UNG": ("Functional group header", [
        ("010", "0038", "M", an(6)),
        ("020", "S006", "M", [("0040", "M", an(35)), ("0007", "C", an(4))]),
        ("030", "S007", "M", [("0044", "M", an(35)), ("0007", "C", an(4))]),
        ("040", "S004", "M", [("0017", "M", ("n", 6, 8)), ("0019", "M", fixed("n", 4))]),
        ("050", "0048", "M", an(14)),
        ("060", "0051", "M", an(2)),
        ("070", "S008", "M", [("0052", "M", an(3)), ("0054", "M", an(3)), ("0057", "C", an(6))]),
        ("080", "0058", "C", an(14)),
    ]),
    "UNH": ("Message header", [
        ("010", "0062", "M", an(14)),
        ("020", "S009", "M", [("0065", "M", an(6)), ("0052", "M", an(3)), ("0054", "M", an(3)),
                              ("0051", "M", an(2)), ("0057", "C", an(6))]),
        ("030", "0068", "C", an(35)),
        ("040", "S010", "C", [("0070", "M", n_(2)), ("0073", "C", fixed("a", 1))]),
    ]),
    "UNT": ("Message trailer", [("010", "0074", "M", n_(6)), ("020", "0062", "M", an(14))]),
    "UNE": ("Functional group trailer", [("010", "0060", "M", n_(6)), ("020", "0048", "M", an(14))]),
    "UNZ": ("Interchange trailer", [("010", "0036", "M", n_(6)), ("020", "0020", "M", an(14))]),
    "UNS": ("Section control", [("010", "0081", "M", fixed("a", 1))]),
    # CONTRL segments (syntax 3)
    "UCI": ("Interchange response", [
        ("010", "0020", "M", an(14)),
        ("020", "S002", "M", [("0004", "M", an(35)), ("0007", "C", an(4)), ("0008", "C", an(14))]),
        ("030", "S003", "M", [("0010", "M", an(35)), ("0007", "C", an(4)), ("0014", "C", an(14))]),
        ("040", "0083", "M", an(3)),
        ("050", "0085", "C", an(3)),
        ("060", "0013", "C", fixed("a", 3)),
        ("070", *S011_V3),
    ]),
    "UCF": ("Functional group response", [
        ("010", "0048", "M", an(14)),
        ("020", "S006", "M", [("0040", "M", an(35)), ("0007", "C", an(4))]),
        ("030", "S007", "M", [("0044", "M", an(35)), ("0007", "C", an(4))]),
        ("040", "0083", "M", an(3)),
        ("050", "0085", "C", an(3)),
        ("060", "0013", "C", fixed("a", 3)),
        ("070", *S011_V3),
    ]),
    "UCM": ("Message response", [
        ("010", "0062", "M", an(14)),
        ("020", "S009", "M", [("0065", "M", an(6)), ("0052", "M", an(3)), ("0054", "M", an(3)),
                              ("0051", "M", an(2)), ("0057", "C", an(6))]),
        ("030", "0083", "M", an(3)),
        ("040", "0085", "C", an(3)),
        ("050", "0013", "C", fixed("a", 3)),
        ("060", *S011_V3),
    ]),
    "UCS": ("Segment error indication", [("010", "0096", "M", n_(6)), ("020", "0085", "C", an(3))]),
    "UCD": ("Data element error indication", [
        ("010", "0085", "M", an(3)),
        ("020", "S011", "M", [("0098", "M", n_(3)), ("0104", "C", n_(3))]),
    ]),
}

SERVICE_SEGMENTS_V4 = {
    **SERVICE_SEGMENTS_V3,
    "UNB": ("Interchange header", [
        ("010", "S001", "M", [("0001", "M", fixed("a", 4)), ("0002", "M", an(1)),
                              ("0080", "C", an(6)), ("0133", "C", an(3))]),
        ("020", "S002", "M", [("0004", "M", an(35)), ("0007", "C", an(4)), ("0008", "C", an(35)),
                              ("0042", "C", an(35))]),
        ("030", "S003", "M", [("0010", "M", an(35)), ("0007", "C", an(4)), ("0014", "C", an(35)),
                              ("0046", "C", an(35))]),
        # 0017 is n8 (CCYYMMDD) in syntax 4; YYMMDD is tolerated
        ("040", "S004", "M", [("0017", "M", ("n", 6, 8)), ("0019", "M", fixed("n", 4))]),
        ("050", "0020", "M", an(14)),
        ("060", "S005", "C", [("0022", "M", an(14)), ("0025", "C", fixed("an", 2))]),
        ("070", "0026", "C", an(14)),
        ("080", "0029", "C", fixed("a", 1)),
        ("090", "0031", "C", fixed("n", 1)),
        ("100", "0032", "C", an(35)),
        ("110", "0035", "C", fixed("n", 1)),
    ]),
    "UNG": ("Functional group header", [
        ("010", "0038", "C", an(6)),
        ("020", "S006", "C", [("0040", "M", an(35)), ("0007", "C", an(4))]),
        ("030", "S007", "C", [("0044", "M", an(35)), ("0007", "C", an(4))]),
        ("040", "S004", "C", [("0017", "M", ("n", 6, 8)), ("0019", "M", fixed("n", 4))]),
        ("050", "0048", "M", an(14)),
        ("060", "0051", "C", an(3)),
        ("070", "S008", "C", [("0052", "M", an(3)), ("0054", "M", an(3)), ("0057", "C", an(6))]),
        ("080", "0058", "C", an(14)),
    ]),
    "UNH": ("Message header", [
        ("010", "0062", "M", an(14)),
        ("020", "S009", "M", [("0065", "M", an(6)), ("0052", "M", an(3)), ("0054", "M", an(3)),
                              ("0051", "M", an(3)), ("0057", "C", an(6)), ("0110", "C", an(6)),
                              ("0113", "C", an(6))]),
        ("030", "0068", "C", an(35)),
        ("040", "S010", "C", [("0070", "M", n_(4)), ("0073", "C", fixed("a", 1))]),
        ("050", "S016", "C", [("0115", "M", an(14)), ("0116", "C", an(3)), ("0118", "C", an(3)),
                              ("0051", "C", an(3))]),
        ("060", "S017", "C", [("0121", "M", an(14)), ("0122", "C", an(3)), ("0124", "C", an(3)),
                              ("0051", "C", an(3))]),
        ("070", "S018", "C", [("0127", "M", an(14)), ("0128", "C", an(3)), ("0130", "C", an(3)),
                              ("0051", "C", an(3))]),
    ]),
    "UCI": ("Interchange response", [
        *SERVICE_SEGMENTS_V3["UCI"][1][:6],
        ("070", *S011_V4),
        ("080", "0534", "C", an(14)),
    ]),
    "UCM": ("Message response", [
        *SERVICE_SEGMENTS_V3["UCM"][1][:5],
        ("060", *S011_V4),
        ("070", "0800", "C", an(3)),
        ("080", "0534", "C", an(14)),
    ]),
    "UCS": ("Segment error indication", [
        ("010", "0096", "M", n_(6)),
        ("020", "0085", "C", an(3)),
    ]),
    "UCD": ("Data element error indication", [
        ("010", "0085", "M", an(3)),
        ("020", "S011", "M", [("0098", "M", n_(3)), ("0104", "C", n_(3)), ("0136", "C", n_(6))]),
    ]),
}

# CONTRL message structure (ISO 9735 syntax 3 and 4 share it at the depth we use):
# UNH, UCI, SG1 (UCM, SG2 (UCS, UCD*99))*999999, SG3 (UCF, SG4 (UCM, SG5 (UCS, UCD*99)))*999999, UNT
CONTRL_STRUCTURE = [
    ("0010", "UNH", "M", 1),
    ("0020", "UCI", "M", 1),
    ("0030", "SG1", "C", 999999, [
        ("0040", "UCM", "M", 1),
        ("0050", "SG2", "C", 999, [
            ("0060", "UCS", "M", 1),
            ("0070", "UCD", "C", 99),
        ]),
    ]),
    ("0080", "SG3", "C", 999999, [
        ("0090", "UCF", "M", 1),
        ("0100", "SG4", "C", 999999, [
            ("0110", "UCM", "M", 1),
            ("0120", "SG5", "C", 999, [
                ("0130", "UCS", "M", 1),
                ("0140", "UCD", "C", 99),
            ]),
        ]),
    ]),
    ("0150", "UNT", "M", 1),
]

# CONTRL message identifiers written per syntax version
CONTRL_VERSION = {"3": ("D", "3", "UN"), "4": ("4", "1", "UN")}
