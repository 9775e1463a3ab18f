"""X12 data elements, segments and code lists (004010, with the 005010 acknowledgement segments).

Written as data from the published 004010 segment directory: no free machine-readable X12 source
exists. Only the segments this engine maps (and the envelopes and acknowledgements) have element
definitions; other segments of a transaction set are checked for position and repeat only.

Element types: ``AN`` string, ``ID`` coded value, ``N0``/``N2`` integer with 0/2 implied decimals,
``R`` decimal, ``DT`` date CCYYMMDD, ``TM`` time HHMM[SS[d..]], ``C`` composite.
"""

from __future__ import annotations

# id -> (type, min length, max length)
ELEMENTS: dict[str, tuple[str, int, int]] = {
    # envelope and control
    "143": ("ID", 3, 3), "329": ("AN", 4, 9), "96": ("N0", 1, 10), "1705": ("AN", 1, 35),
    "479": ("ID", 2, 2), "142": ("AN", 2, 15), "124": ("AN", 2, 15), "28": ("N0", 1, 9),
    "455": ("ID", 1, 2), "480": ("AN", 1, 12), "97": ("N0", 1, 6),
    # acknowledgements (997 / 999)
    "123": ("N0", 1, 6), "2": ("N0", 1, 6), "715": ("ID", 1, 1), "716": ("ID", 1, 3),
    "717": ("ID", 1, 1), "718": ("ID", 1, 3), "721": ("ID", 2, 3), "719": ("N0", 1, 10),
    "447": ("AN", 1, 4), "720": ("ID", 1, 3), "725": ("N0", 1, 4), "723": ("ID", 1, 3),
    "724": ("AN", 1, 99), "618": ("ID", 1, 3), "620": ("ID", 1, 3), "621": ("ID", 1, 3),
    # common
    "353": ("ID", 2, 2), "92": ("ID", 2, 2), "324": ("AN", 1, 22), "328": ("AN", 1, 30),
    "373": ("DT", 8, 8), "337": ("TM", 4, 8), "367": ("AN", 1, 30), "587": ("ID", 2, 2),
    "1019": ("ID", 3, 3), "1166": ("ID", 2, 2), "1232": ("ID", 2, 2), "786": ("ID", 2, 2),
    "640": ("ID", 2, 2), "98": ("ID", 2, 3), "100": ("ID", 3, 3), "280": ("R", 4, 10),
    "128": ("ID", 2, 3), "127": ("AN", 1, 30), "352": ("AN", 1, 80), "374": ("ID", 3, 3),
    "623": ("ID", 2, 2), "1250": ("ID", 2, 3), "1251": ("AN", 1, 35), "93": ("AN", 1, 60),
    "66": ("ID", 1, 2), "67": ("AN", 2, 80), "706": ("ID", 2, 2), "166": ("AN", 1, 55),
    "19": ("AN", 2, 30), "156": ("ID", 2, 2), "116": ("ID", 3, 15), "26": ("ID", 2, 3),
    "309": ("ID", 1, 2), "310": ("AN", 1, 30), "366": ("ID", 2, 2), "365": ("ID", 2, 2),
    "364": ("AN", 1, 80), "350": ("AN", 1, 20), "330": ("R", 1, 15), "355": ("ID", 2, 2),
    "212": ("R", 1, 17), "639": ("ID", 2, 2), "235": ("ID", 2, 2), "234": ("AN", 1, 48),
    "349": ("ID", 1, 1), "750": ("ID", 2, 3), "559": ("ID", 2, 2), "751": ("AN", 1, 12),
    "752": ("ID", 2, 2), "822": ("AN", 1, 15), "1073": ("ID", 1, 1), "819": ("ID", 2, 3),
    "354": ("N0", 1, 6), "347": ("R", 1, 10), "81": ("R", 1, 10), "183": ("R", 1, 8),
    "522": ("ID", 1, 3), "782": ("R", 1, 18), "478": ("ID", 1, 1),
    # carrier
    "133": ("ID", 1, 2), "91": ("ID", 1, 2), "387": ("AN", 1, 35), "368": ("ID", 2, 2),
    "731": ("ID", 2, 2), "732": ("ID", 2, 2), "733": ("R", 1, 4), "284": ("ID", 1, 2),
    "103": ("AN", 3, 5), "80": ("N0", 1, 7), "23": ("ID", 1, 1), "22": ("AN", 2, 30),
    "79": ("AN", 1, 50), "187": ("ID", 1, 2),
    # ship notice
    "396": ("AN", 2, 30), "1005": ("ID", 4, 4), "641": ("ID", 3, 3), "628": ("AN", 1, 12),
    "734": ("AN", 1, 12), "735": ("ID", 1, 2), "736": ("ID", 1, 1), "382": ("R", 1, 10),
    "646": ("R", 1, 9), "728": ("ID", 2, 2), "668": ("ID", 2, 2), "662": ("ID", 1, 1),
    "380": ("R", 1, 15), "327": ("AN", 1, 8), "88": ("ID", 1, 2), "87": ("AN", 1, 48),
    "356": ("N0", 1, 6), "357": ("R", 1, 8), "384": ("R", 1, 9), "326": ("AN", 1, 45),
    # change order
    "670": ("ID", 2, 2), "671": ("R", 1, 9),
    # planning schedule
    "675": ("ID", 2, 2), "676": ("ID", 1, 1), "680": ("ID", 1, 1), "681": ("ID", 1, 1),
    # invoice
    "76": ("AN", 1, 22), "610": ("N2", 1, 15), "963": ("ID", 2, 2), "954": ("R", 1, 10),
    "955": ("ID", 2, 2), "956": ("AN", 1, 30), "441": ("ID", 1, 1), "358": ("R", 1, 10),
    # composites: only the first component is checked
    "C001": ("C", 0, 0), "C030": ("C", 0, 0), "C040": ("C", 0, 0),
}

# The first component of a composite (id, min, max) when it is checked.
COMPOSITE_FIRST: dict[str, str] = {"C001": "355", "C030": "722"}
ELEMENTS["722"] = ("N0", 1, 2)


def _pairs(first: int, last: int) -> list[tuple[str, str]]:
    """Product id qualifier / id pairs (235/234) from element ``first`` to ``last``."""
    return [("235", "X") if (i - first) % 2 == 0 else ("234", "X") for i in range(first, last + 1)]


# tag -> (element count allowed, [(element id, requirement M/O/X)...]) ; the list may be shorter
# than the count: the remaining positions are accepted unchecked.
SEGMENTS: dict[str, tuple[int, list[tuple[str, str]]]] = {
    "ST": (3, [("143", "M"), ("329", "M"), ("1705", "O")]),
    "SE": (2, [("96", "M"), ("329", "M")]),
    "GS": (8, [("479", "M"), ("142", "M"), ("124", "M"), ("373", "M"), ("337", "M"),
               ("28", "M"), ("455", "M"), ("480", "M")]),
    "GE": (2, [("97", "M"), ("28", "M")]),
    "BEG": (12, [("353", "M"), ("92", "M"), ("324", "M"), ("328", "O"), ("373", "M"),
                 ("367", "O"), ("587", "O"), ("1019", "O"), ("1166", "O"), ("1232", "O"),
                 ("786", "O"), ("640", "O")]),
    "BCH": (12, [("353", "M"), ("92", "M"), ("324", "M"), ("328", "O"), ("327", "O"),
                 ("373", "M"), ("326", "O"), ("367", "O"), ("373", "O"), ("373", "O"),
                 ("373", "O")]),
    "BAK": (10, [("353", "M"), ("587", "M"), ("324", "M"), ("373", "M"), ("328", "O"),
                 ("326", "O"), ("367", "O"), ("127", "O"), ("373", "O"), ("640", "O")]),
    "BSN": (7, [("353", "M"), ("396", "M"), ("373", "M"), ("337", "M"), ("1005", "O"),
                ("640", "X"), ("641", "O")]),
    "BFR": (13, [("353", "M"), ("127", "X"), ("328", "X"), ("675", "M"), ("676", "M"),
                 ("373", "M"), ("373", "O"), ("373", "M"), ("367", "O"), ("367", "O"),
                 ("324", "O")]),
    "BIG": (10, [("373", "M"), ("76", "M"), ("373", "O"), ("324", "O"), ("328", "O"),
                 ("327", "O"), ("640", "O"), ("353", "O")]),
    "CUR": (21, [("98", "M"), ("100", "M"), ("280", "O")]),
    "REF": (4, [("128", "M"), ("127", "X"), ("352", "X"), ("C040", "O")]),
    "PER": (9, [("366", "M"), ("93", "O"), ("365", "X"), ("364", "X"), ("365", "X"),
                ("364", "X"), ("365", "X"), ("364", "X"), ("443", "O")]),
    "DTM": (6, [("374", "M"), ("373", "X"), ("337", "X"), ("623", "O"), ("1250", "X"),
                ("1251", "X")]),
    "N1": (6, [("98", "M"), ("93", "X"), ("66", "X"), ("67", "X"), ("706", "O"), ("98", "O")]),
    "N2": (2, [("93", "M"), ("93", "O")]),
    "N3": (2, [("166", "M"), ("166", "O")]),
    "N4": (6, [("19", "O"), ("156", "O"), ("116", "O"), ("26", "O"), ("309", "X"),
               ("310", "O")]),
    "PO1": (25, [("350", "O"), ("330", "X"), ("355", "O"), ("212", "X"), ("639", "O")]
            + _pairs(6, 25)),
    "POC": (27, [("350", "O"), ("670", "M"), ("330", "X"), ("671", "X"), ("C001", "O"),
                 ("212", "X"), ("639", "O")] + _pairs(8, 27)),
    "ACK": (29, [("668", "M"), ("380", "X"), ("355", "X"), ("374", "X"), ("373", "X"),
                 ("326", "O")] + _pairs(7, 26) + [("559", "O"), ("822", "X"), ("1271", "X")]),
    "PID": (9, [("349", "M"), ("750", "O"), ("559", "X"), ("751", "X"), ("352", "X"),
                ("752", "O"), ("822", "O"), ("1073", "O"), ("819", "O")]),
    "SCH": (12, [("380", "M"), ("355", "M"), ("98", "X"), ("93", "X"), ("374", "M"),
                 ("373", "M"), ("337", "O"), ("374", "O"), ("373", "X"), ("337", "O"),
                 ("326", "O"), ("350", "O")]),
    "CTT": (7, [("354", "M"), ("347", "O"), ("81", "X"), ("355", "X"), ("183", "X"),
                ("355", "X"), ("352", "O")]),
    "AMT": (3, [("522", "M"), ("782", "M"), ("478", "O")]),
    "TD1": (10, [("103", "O"), ("80", "X"), ("23", "O"), ("22", "X"), ("79", "O"),
                 ("187", "X"), ("81", "X"), ("355", "X"), ("183", "X"), ("355", "X")]),
    "TD5": (15, [("133", "O"), ("66", "X"), ("67", "X"), ("91", "X"), ("387", "X"),
                 ("368", "X"), ("309", "O"), ("310", "X"), ("731", "O"), ("732", "O"),
                 ("733", "X"), ("284", "X"), ("284", "O"), ("284", "O"), ("26", "O")]),
    "HL": (4, [("628", "M"), ("734", "O"), ("735", "M"), ("736", "O")]),
    "LIN": (31, [("350", "O"), ("235", "M"), ("234", "M")] + _pairs(4, 31)),
    "SN1": (8, [("350", "O"), ("382", "M"), ("355", "M"), ("646", "O"), ("330", "X"),
                ("355", "X"), ("728", "O"), ("668", "O")]),
    "SLN": (28, [("350", "M"), ("350", "O"), ("662", "M"), ("380", "X"), ("C001", "X"),
                 ("212", "X"), ("639", "O"), ("662", "O")] + _pairs(9, 28)),
    "PRF": (7, [("324", "M"), ("328", "O"), ("327", "O"), ("373", "O"), ("350", "O"),
                ("367", "O"), ("92", "O")]),
    "MAN": (6, [("88", "M"), ("87", "M"), ("87", "O"), ("88", "X"), ("87", "X"), ("87", "O")]),
    "PO4": (18, [("356", "O"), ("357", "X"), ("355", "X"), ("103", "X")]),
    "UIT": (3, [("C001", "M"), ("212", "X"), ("639", "X")]),
    "FST": (9, [("380", "M"), ("680", "M"), ("681", "M"), ("373", "M"), ("373", "O"),
                ("374", "X"), ("337", "X"), ("128", "X"), ("127", "X")]),
    "IT1": (25, [("350", "O"), ("358", "X"), ("355", "X"), ("212", "X"), ("639", "O")]
            + _pairs(6, 25)),
    "TDS": (4, [("610", "M"), ("610", "O"), ("610", "O"), ("610", "O")]),
    "TXI": (10, [("963", "M"), ("782", "X"), ("954", "X"), ("955", "X"), ("956", "X"),
                 ("441", "X")]),
    "AK1": (3, [("479", "M"), ("28", "M"), ("480", "O")]),
    "AK2": (3, [("143", "M"), ("329", "M"), ("1705", "O")]),
    "AK3": (4, [("721", "M"), ("719", "M"), ("447", "O"), ("720", "O")]),
    "AK4": (4, [("C030", "M"), ("725", "O"), ("723", "M"), ("724", "O")]),
    "AK5": (6, [("717", "M"), ("718", "O"), ("718", "O"), ("718", "O"), ("718", "O"),
                ("718", "O")]),
    "AK9": (9, [("715", "M"), ("97", "M"), ("123", "M"), ("2", "M"), ("716", "O"),
                ("716", "O"), ("716", "O"), ("716", "O"), ("716", "O")]),
    "IK3": (4, [("721", "M"), ("719", "M"), ("447", "O"), ("620", "O")]),
    "IK4": (4, [("C030", "M"), ("725", "O"), ("621", "M"), ("724", "O")]),
    "IK5": (6, [("717", "M"), ("618", "O"), ("618", "O"), ("618", "O"), ("618", "O"),
                ("618", "O")]),
}
ELEMENTS["443"] = ("AN", 1, 20)
ELEMENTS["1271"] = ("AN", 1, 30)

# Relational conditions (X12 syntax notes) of the segments above: (kind, positions).
# P paired: all or none; R required: at least one; C conditional: if the first then all others;
# E exclusion: at most one; L list: if the first then at least one of the others.
SYNTAX: dict[str, list[tuple[str, tuple[int, ...]]]] = {
    "REF": [("R", (2, 3))],
    "DTM": [("R", (2, 3, 5)), ("C", (4, 3)), ("P", (5, 6))],
    "N1": [("R", (2, 3)), ("P", (3, 4))],
    "PO1": [("C", (3, 2)), ("C", (5, 4))] + [("P", (i, i + 1)) for i in range(6, 25, 2)],
    "POC": [("C", (6, 7))] + [("P", (i, i + 1)) for i in range(8, 27, 2)],
    "IT1": [("P", (2, 3))] + [("P", (i, i + 1)) for i in range(6, 25, 2)],
    "LIN": [("P", (i, i + 1)) for i in range(4, 31, 2)],
    "SLN": [("P", (4, 5))] + [("P", (i, i + 1)) for i in range(9, 28, 2)],
    "ACK": [("P", (2, 3)), ("C", (4, 5)), ("C", (5, 4))]
    + [("P", (i, i + 1)) for i in range(7, 26, 2)],
    "SN1": [("P", (5, 6))],
    "TD5": [("R", (2, 4, 5, 6, 12)), ("C", (2, 3)), ("C", (3, 2))],
    "MAN": [("P", (4, 5))],
    "BFR": [("R", (2, 3))],
    "TXI": [("R", (2, 3, 6))],
    "CTT": [("P", (3, 4)), ("P", (5, 6))],
}

_STATUS_353 = [f"{i:02d}" for i in range(0, 57)] + [
    "77", "CN", "CO", "EX", "GR", "PR", "RH", "RV", "SU", "ZZ"]

# Closed code lists of the coded elements this engine maps; other coded elements are checked
# for length only (their lists are long and partners use them loosely).
CODES: dict[str, frozenset[str]] = {
    "353": frozenset(_STATUS_353),
    "587": frozenset({"AC", "AD", "AE", "AH", "AK", "AP", "AT", "NA", "RD", "RF", "RJ", "RO",
                      "ZZ"}),
    "668": frozenset({"AC", "AR", "BP", "DR", "IA", "IB", "IC", "ID", "IE", "IF", "IH", "IP",
                      "IQ", "IR", "IS", "IW", "R1", "R2", "R3", "R4", "R5", "R6", "R7", "R8",
                      "SP"}),
    "680": frozenset({"A", "B", "C", "D", "Z"}),
    "676": frozenset({"A", "C"}),
    "349": frozenset({"F", "S", "X"}),
    "455": frozenset({"T", "X"}),
    "715": frozenset({"A", "E", "M", "P", "R", "W", "X"}),
    "717": frozenset({"A", "E", "M", "R", "W", "X"}),
    "718": frozenset([str(i) for i in range(1, 20)] + ["23", "24", "25", "26", "27", "I5",
                                                       "I6"]),
    "618": frozenset([str(i) for i in range(1, 20)] + ["23", "24", "25", "26", "27", "I5",
                                                       "I6"]),
    "716": frozenset([str(i) for i in range(1, 7)] + [str(i) for i in range(10, 20)]
                     + ["23", "24", "25", "26"]),
    "720": frozenset([str(i) for i in range(1, 9)]),
    "620": frozenset([str(i) for i in range(1, 9)] + ["I4", "I6", "I7", "I8", "I9"]),
    "723": frozenset([str(i) for i in range(1, 11)] + ["12", "13"]),
    "621": frozenset([str(i) for i in range(1, 11)] + ["12", "13", "I10", "I11", "I12", "I13",
                                                       "I6", "I9"]),
}

# Names of the acknowledgement codes, used as the ``message`` of an acknowledged error.
TA1_CODES = {
    "000": "No error", "001": "Interchange control number in header and trailer do not match",
    "002": "Standard in ISA11 not supported", "003": "Version of the controls not supported",
    "004": "Segment terminator is invalid", "005": "Invalid interchange ID qualifier for sender",
    "006": "Invalid interchange sender ID", "007": "Invalid interchange ID qualifier for receiver",
    "008": "Invalid interchange receiver ID", "009": "Unknown interchange receiver ID",
    "010": "Invalid authorization information qualifier value",
    "011": "Invalid authorization information value",
    "012": "Invalid security information qualifier value",
    "013": "Invalid security information value", "014": "Invalid interchange date value",
    "015": "Invalid interchange time value", "016": "Invalid interchange standards identifier value",
    "017": "Invalid interchange version ID value", "018": "Invalid interchange control number value",
    "019": "Invalid acknowledgment requested value", "020": "Invalid test indicator value",
    "021": "Invalid number of included groups value", "022": "Invalid control structure",
    "023": "Improper (premature) end-of-file", "024": "Invalid interchange content",
    "025": "Duplicate interchange control number", "026": "Invalid data element separator",
    "027": "Invalid component element separator",
}
AK9_CODES = {
    "1": "Functional group not supported", "2": "Functional group version not supported",
    "3": "Functional group trailer missing",
    "4": "Group control number in the functional group header and trailer do not agree",
    "5": "Number of included transaction sets does not match actual count",
    "6": "Group control number violates syntax",
    "19": "Functional group control number not unique within interchange",
}
AK5_CODES = {
    "1": "Transaction set not supported", "2": "Transaction set trailer missing",
    "3": "Transaction set control number in header and trailer do not match",
    "4": "Number of included segments does not match actual count",
    "5": "One or more segments in error", "6": "Missing or invalid transaction set identifier",
    "7": "Missing or invalid transaction set control number",
    "23": "Transaction set control number not unique within the functional group",
}
AK3_CODES = {
    "1": "Unrecognized segment ID", "2": "Unexpected segment", "3": "Mandatory segment missing",
    "4": "Loop occurs over maximum times", "5": "Segment exceeds maximum use",
    "6": "Segment not in defined transaction set", "7": "Segment not in proper sequence",
    "8": "Segment has data element errors",
}
AK4_CODES = {
    "1": "Mandatory data element missing", "2": "Conditional required data element missing",
    "3": "Too many data elements", "4": "Data element too short", "5": "Data element too long",
    "6": "Invalid character in data element", "7": "Invalid code value", "8": "Invalid date",
    "9": "Invalid time", "10": "Exclusion condition violated", "12": "Too many repetitions",
    "13": "Too many components",
}


def describe(level: str, code: str) -> str:
    """The standard's name of an acknowledgement code at a level (group, message, segment...)."""
    table = {"interchange": TA1_CODES, "group": AK9_CODES, "message": AK5_CODES,
             "segment": AK3_CODES, "element": AK4_CODES}.get(level, {})
    return table.get(code, f"code {code}")
