"""Transaction set tables (004010; the 999 is 005010) as data.

Each table lists the segments of a set in order: ``"TAG req max"`` with req ``M`` mandatory or
``O`` optional and max a number or ``>1`` (unbounded), and loops as ``L(id, req, max, ...)``
whose first entry is the loop's trigger segment. Heading, detail and summary areas are simply
consecutive. :mod:`edi.codecs.x12.machine` compiles them into state machines.
"""

from __future__ import annotations

from typing import Any


def L(loop_id: str, req: str, mx: int | str, *children: Any) -> tuple[Any, ...]:  # noqa: N802
    return ("L", loop_id, req, mx, children)


_N1_FULL = L("N1", "O", 200, "N1 M 1", "N2 O 2", "N3 O 2", "N4 O >1", "NX2 O >1", "REF O 12",
             "PER O >1", "SI O >1", "FOB O 1", "TD1 O 2", "TD5 O 12", "TD3 O 12", "TD4 O 5",
             "PKG O 200")
_HEAD_PO = ("CUR O 1", "REF O >1", "PER O 3", "TAX O >1", "FOB O >1", "CTP O >1", "PAM O 10")
_SPI = L("SPI", "O", ">1", "SPI M 1", "REF O 5", "DTM O 5", "MSG O 50",
         L("N1", "O", 20, "N1 M 1", "N2 O 2", "N3 O 2", "N4 O 1", "REF O 20", "G61 O 1",
           "MSG O 50"),
         L("CB1", "O", ">1", "CB1 M 1", "REF O 20", "DTM O 5", "LDT O 1", "MSG O 50"))
_ADV = L("ADV", "O", ">1", "ADV M 1", "DTM O >1", "MTX O >1")
_LM = L("LM", "O", ">1", "LM M 1", "LQ M >1")
_PID = L("PID", "O", 1000, "PID M 1", "MEA O 10")
_QTY = L("QTY", "O", ">1", "QTY M 1", "SI O >1")
_SCH = L("SCH", "O", 200, "SCH M 1", "TD1 O 2", "TD5 O 12", "TD3 O 12", "TD4 O 5", "REF O >1")
_N9_LINE = L("N9", "O", 1000, "N9 M 1", "DTM O >1", "MEA O 40", "MSG O 1000")
_LS = L("LS", "O", 1, "LS M 1",
        L("LDT", "O", ">1", "LDT M 1", "QTY O >1", "MSG O 1", "REF O 3", _LM),
        "LE M 1")
_N1_LINE = L("N1", "O", 200, "N1 M 1", "N2 O 2", "N3 O 2", "N4 O 1", "QTY O >1", "NX2 O >1",
             "REF O 12", "PER O 3", "SI O >1", "DTM O 1", "FOB O 1", "SCH O 200", "TD1 O 2",
             "TD5 O 12", "TD3 O 12", "TD4 O 5", "PKG O 200",
             L("LDT", "O", ">1", "LDT M 1", "MAN O 10", "QTY O 5", "MSG O 1", "REF O 3"))
_SLN_PO = L("SLN", "O", 1000, "SLN M 1", "MSG O >1", "SI O >1", "PID O 1000", "PO3 O 104",
            "TC2 O >1", "ADV O >1", "DTM O 10", "CTP O 25", "PAM O 10", "PO4 O 1", "TAX O 3",
            L("N9", "O", ">1", "N9 M 1", "DTM O >1", "MSG O >1"),
            L("SAC", "O", 25, "SAC M 1", "CUR O 1", "CTP O 1"),
            L("QTY", "O", ">1", "QTY M 1", "SI O >1"),
            L("N1", "O", 10, "N1 M 1", "N2 O 2", "N3 O 2", "N4 O 1", "NX2 O >1", "REF O 12",
              "PER O 3", "SI O >1"))

T850 = (
    "ST M 1", "BEG M 1", *_HEAD_PO, "CSH O 5", "TC2 O >1",
    L("SAC", "O", 25, "SAC M 1", "CUR O 1"),
    "ITD O >1", "DIS O 20", "INC O 1", "DTM O 10", "LDT O 12", "LIN O 5", "SI O >1",
    "PID O 200", "MEA O 40", "PWK O 25", "PKG O 200", "TD1 O 2", "TD5 O 12", "TD3 O 12",
    "TD4 O 5", "MAN O 10", "PCT O >1", "CTB O 5", "TXI O >1",
    L("AMT", "O", ">1", "AMT M 1", "REF O >1", "DTM O 1", "PCT O >1",
      L("FA1", "O", ">1", "FA1 M 1", "FA2 M >1")),
    L("N9", "O", 1000, "N9 M 1", "DTM O >1", "MSG O 1000"),
    _N1_FULL, _LM, _SPI, _ADV,
    L("PO1", "M", 100000, "PO1 M 1", "LIN O >1", "SI O >1", "CUR O 1", "CN1 O 1", "PO3 O 25",
      L("CTP", "O", ">1", "CTP M 1", "CUR O 1"),
      "PAM O 10", "MEA O 40", _PID, "PWK O 25", "PO4 O >1", "REF O >1", "PER O 3",
      L("SAC", "O", 25, "SAC M 1", "CUR O 1", "CTP O 1"),
      "IT8 O 1", "CSH O >1", "ITD O 2", "DIS O 20", "INC O 1", "TAX O >1", "FOB O >1",
      "SDQ O 500", "IT3 O 5", "DTM O 10", "TC2 O >1", "TD1 O 1", "TD5 O 12", "TD3 O 12",
      "TD4 O 5", "PCT O >1", "MAN O 10", "MSG O >1", "SPI O >1", "TXI O >1", "CTB O >1",
      _QTY, _SCH, L("PKG", "O", 200, "PKG M 1", "MEA O >1"), _LS, _N9_LINE, _N1_LINE, _SLN_PO,
      L("AMT", "O", ">1", "AMT M 1", "REF O 1", "PCT O >1"), _LM),
    L("CTT", "O", 1, "CTT M 1", "AMT O 1"),
    "SE M 1",
)

T860 = (
    "ST M 1", "BCH M 1", *_HEAD_PO, "CSH O 5",
    L("SAC", "O", 25, "SAC M 1", "CUR O 1"),
    "ITD O 5", "DIS O 20", "INC O 1", "DTM O 10", "LDT O 12", "LIN O 5", "SI O >1",
    "PID O 200", "MEA O 40", "PWK O 25", "PKG O 200", "TD1 O 2", "TD5 O 12", "TD3 O 12",
    "TD4 O 5", "CTB O >1", "MAN O 10", "G53 O >1", "TXI O >1", "PCT O >1",
    L("AMT", "O", ">1", "AMT M 1", "REF O >1", "DTM O 1", "PCT O >1",
      L("FA1", "O", ">1", "FA1 M 1", "FA2 M >1")),
    L("N9", "O", 1000, "N9 M 1", "DTM O >1", "MSG O 1000"),
    _N1_FULL, _LM, _SPI, _ADV,
    L("POC", "O", ">1", "POC M 1", "LIN O >1", "SI O >1", "CUR O 1", "CN1 O 1", "PO3 O 25",
      "CTP O >1", "PAM O 10", "MEA O 40", _PID, "PWK O 25", "PKG O 200", "PO4 O >1",
      "REF O >1", "PER O 3", L("SAC", "O", 25, "SAC M 1", "CUR O 1"),
      "IT8 O 1", "CSH O >1", "ITD O 2", "DIS O 20", "INC O 1", "TAX O >1", "FOB O >1",
      "SDQ O 500", "DTM O 10", "TD1 O 1", "TD5 O 12", "TD3 O 12", "TD4 O 5", "MAN O 10",
      "PCT O >1", "TC2 O 2", "CTB O >1", "TXI O >1", "SPI O >1", "MSG O >1", _QTY,
      L("SCH", "O", 200, "SCH M 1", "TD1 O 2", "TD5 O 12", "TD3 O 12", "TD4 O 5"),
      L("N9", "O", 1000, "N9 M 1", "DTM O >1", "MSG O 1000"), _LS,
      L("N1", "O", 200, "N1 M 1", "N2 O 2", "N3 O 2", "N4 O 1", "QTY O >1", "NX2 O >1",
        "REF O 12", "PER O 3", "SI O >1", "DTM O 1", "FOB O 1", "SCH O 200", "TD1 O 2",
        "TD5 O 12", "TD3 O 12", "TD4 O 5", "PKG O 200",
        L("LDT", "O", ">1", "LDT M 1", "MAN O 10", "QTY O 5", "MSG O 1", "REF O 3")),
      L("SLN", "O", 1000, "SLN M 1", "MSG O >1", "SI O >1", "PID O 1000", "PO3 O 104",
        "TC2 O 2", L("SAC", "O", 10, "SAC M 1", "CUR O 1"), "DTM O 10", "CTP O 25",
        "PAM O 10", "PO4 O 1", "TAX O 3", "ADV O >1", L("QTY", "O", ">1", "QTY M 1", "SI O >1"),
        L("N9", "O", ">1", "N9 M 1", "DTM O >1", "MSG O >1"),
        L("N1", "O", 10, "N1 M 1", "N2 O 2", "N3 O 2", "N4 O 1", "NX2 O >1", "REF O 12",
          "PER O 3", "SI O >1")),
      L("AMT", "O", ">1", "AMT M 1", "REF O 1", "PCT O >1"), _LM),
    L("CTT", "O", 1, "CTT M 1", "AMT O 5"),
    "SE M 1",
)

T855 = (
    "ST M 1", "BAK M 1", *_HEAD_PO, "CSH O 1",
    L("SAC", "O", 25, "SAC M 1", "CUR O 1"),
    "ITD O 5", "DIS O 20", "INC O 1", "DTM O 10", "LDT O 12", "LIN O 5", "SI O >1",
    "PID O 200", "MEA O 40", "PWK O 25", "PKG O 25", "TD1 O 2", "TD5 O 12", "TD3 O 12",
    "TD4 O 5", "MAN O 10", "TXI O >1", "CTB O >1",
    L("N9", "O", 1000, "N9 M 1", "DTM O >1", "MSG O 1000"),
    L("N1", "O", 200, "N1 M 1", "N2 O 2", "N3 O 2", "N4 O 1", "NX2 O >1", "REF O 12",
      "PER O >1", "SI O >1", "FOB O 1", "TD1 O 2", "TD5 O 12", "TD3 O 12", "TD4 O 5",
      "PKG O 25", "MSG O >1"),
    _ADV,
    L("PO1", "O", 100000, "PO1 M 1", "LIN O >1", "SI O >1", "CUR O 1", "PO3 O 25", "CTP O >1",
      "PAM O 10", "MEA O 40", _PID, "PWK O 25", "PO4 O >1", "REF O >1", "PER O 3",
      L("SAC", "O", 25, "SAC M 1", "CUR O 1"), "IT8 O 1", "CSH O >1", "ITD O 2", "DIS O 20",
      "INC O 1", "TAX O >1", "FOB O >1", "SDQ O 500", "DTM O 10", "LDT O 12", "TD1 O 1",
      "TD5 O 12", "TD3 O 12", "TD4 O 5",
      L("ACK", "O", 104, "ACK M 1", "DTM O 1"),
      "MAN O 10", "AMT O 1", "CTB O >1", "TXI O >1", _QTY,
      L("PKG", "O", 200, "PKG M 1", "MEA O >1"), _SCH,
      L("N9", "O", 1000, "N9 M 1", "DTM O >1", "MSG O 1000"),
      L("N1", "O", 200, "N1 M 1", "N2 O 2", "N3 O 2", "N4 O 1", "NX2 O >1", "REF O 12",
        "PER O 3", "SI O >1", "DTM O 1", "FOB O 1", "SCH O 200", "TD1 O 2", "TD5 O 12",
        "TD3 O 12", "TD4 O 5", "QTY O >1", "PKG O 25"),
      L("SLN", "O", 1000, "SLN M 1", "MSG O >1", "SI O >1", "PID O 1000", "PO3 O 25",
        "CTP O 25", "PAM O 10", "ACK O 104", L("SAC", "O", 10, "SAC M 1", "CUR O 1"),
        "DTM O 10", "PO4 O 1", "TAX O 3", "ADV O >1",
        L("QTY", "O", ">1", "QTY M 1", "SI O >1"),
        L("N9", "O", ">1", "N9 M 1", "DTM O >1", "MSG O >1"),
        L("N1", "O", 10, "N1 M 1", "N2 O 2", "N3 O 2", "N4 O 1", "NX2 O >1", "REF O 12",
          "PER O 3", "SI O >1"))),
    L("CTT", "O", 1, "CTT M 1", "AMT O 1"),
    "SE M 1",
)

T856 = (
    "ST M 1", "BSN M 1", "DTM O 10",
    L("HL", "M", 200000, "HL M 1", "LIN O 1", "SN1 O 1", "SLN O 1000", "PRF O 1", "PO4 O 1",
      "PID O 200", "MEA O 40", "PWK O 25", "PKG O 25", "TD1 O 20", "TD5 O 12", "TD3 O 12",
      "TD4 O 5", "TSD O 1", "REF O >1", "PER O 3",
      L("LH1", "O", 100, "LH1 M 1", "LH2 O 4", "LH3 O 12", "LFH O 20", "LEP O >1", "LH4 O 1",
        "LHT O 3", "LHR O 10", "PER O 5", "LHE O 1"),
      L("CLD", "O", 200, "CLD M 1", "REF O 200", "DTP O 1"),
      "MAN O >1", "DTM O 10", "FOB O 1", "PAL O 1",
      L("N1", "O", 200, "N1 M 1", "N2 O 2", "N3 O 2", "N4 O 1", "REF O 12", "PER O 3",
        "FOB O 1"),
      "SDQ O 50", "ETD O 1", "CUR O 1",
      L("SAC", "O", ">1", "SAC M 1", "CUR O 1"),
      "GF O 1", "YNQ O 10",
      L("LM", "O", 10, "LM M 1", "LQ M 100"),
      L("V1", "O", ">1", "V1 M 1", "R4 O >1", "DTM O >1")),
    "CTT O 1",
    "SE M 1",
)

T830 = (
    "ST M 1", "BFR M 1", "XPO O >1", "CUR O 1", "REF O 12", "PER O 3", "TAX O 3", "FOB O 1",
    "CTP O 25", "SAC O 25", "CSH O 1", "ITD O 2", "DTM O 10", "PID O 200", "MEA O 40",
    "PWK O 25", "PKG O 25", "TD1 O 2", "TD5 O 12", "TD3 O 12", "TD4 O 5", "MAN O 10",
    L("N1", "O", 200, "N1 M 1", "N2 O 2", "N3 O 2", "N4 O 1", "REF O 12", "PER O 3", "FOB O 1"),
    L("LM", "O", ">1", "LM M 1", "LQ M 100"),
    L("LIN", "M", ">1", "LIN M 1", "UIT O 1", "DTM O 10", "CUR O 1", "PO3 O 25", "CTP O 25",
      "PID O 1000", "MEA O 40", "PWK O 25", "PKG O 25", "PO4 O 1", "PRS O 1", "REF O 12",
      "PER O 3", "SAC O 25", "ITD O 2", "TAX O 3", "FOB O 1", "LDT O 12", "QTY O >1",
      "ATH O 20", "TD1 O 1", "TD5 O 12", "TD3 O 12", "TD4 O 5", "MAN O 10", "DD O 10",
      L("SLN", "O", 100, "SLN M 1", "PID O 1000", "NM1 O 10"),
      L("N1", "O", 200, "N1 M 1", "N2 O 2", "N3 O 2", "N4 O 1", "REF O 12", "PER O 3",
        "FOB O 1"),
      L("LM", "O", ">1", "LM M 1", "LQ M 100"),
      L("FST", "O", ">1", "FST M 1", "QTY O >1", "SDQ O 50",
        L("LM", "O", ">1", "LM M 1", "LQ M 100")),
      L("SDP", "O", 260, "SDP M 1", "FST O 260"),
      L("SHP", "O", 25, "SHP M 1", "REF O 5")),
    "CTT O 1",
    "SE M 1",
)

T810 = (
    "ST M 1", "BIG M 1", "NTE O 100", "CUR O 1", "REF O 12", "YNQ O 10", "PER O 3",
    L("N1", "O", 200, "N1 M 1", "N2 O 2", "N3 O 2", "N4 O 1", "REF O 12", "PER O 3", "DMG O 1"),
    "ITD O >1", "DTM O 10", "FOB O 1", "PID O 200", "MEA O 40", "PWK O 25", "PKG O 25",
    "L7 O 1", "BAL O >1", "INC O 1", "PAM O >1",
    L("LM", "O", 10, "LM M 1", "LQ M 100"),
    L("N9", "O", 1, "N9 M 1", "MSG M 10"),
    L("V1", "O", ">1", "V1 M 1", "R4 O >1", "DTM O >1"),
    L("FA1", "O", ">1", "FA1 M 1", "FA2 M >1"),
    L("IT1", "O", 200000, "IT1 M 1", "CRC O 1", "QTY O 5", "CUR O 1", "IT3 O 5", "TXI O 10",
      "CTP O 25", "PAM O 10", "MEA O 40", _PID, "PWK O 25", "PKG O 25", "PO4 O 1", "ITD O 2",
      "REF O >1", "YNQ O 10", "PER O 5", "SDQ O 500", "DTM O 10", "CAD O >1", "L7 O >1",
      "SR O 1", L("SAC", "O", 25, "SAC M 1", "TXI O 10"),
      L("SLN", "O", 1000, "SLN M 1", "DTM O 1", "REF O >1", "PID O 1000", "SAC O 25",
        "TC2 O 2", "TXI O 10"),
      L("N1", "O", 200, "N1 M 1", "N2 O 2", "N3 O 2", "N4 O 1", "REF O 12", "PER O 3",
        "DMG O 1"),
      L("LM", "O", 10, "LM M 1", "LQ M 100"),
      L("V1", "O", ">1", "V1 M 1", "R4 O >1", "DTM O >1"),
      L("FA1", "O", ">1", "FA1 M 1", "FA2 M >1")),
    "TDS M 1", "TXI O 10", "CAD O 1", "AMT O >1",
    L("SAC", "O", 25, "SAC M 1", "TXI O 10"),
    L("ISS", "O", ">1", "ISS M 1", "PID O 1"),
    "CTT O 1",
    "SE M 1",
)

T997 = (
    "ST M 1", "AK1 M 1",
    L("AK2", "O", 999999, "AK2 M 1",
      L("AK3", "O", 999999, "AK3 M 1", "AK4 O 99"),
      "AK5 M 1"),
    "AK9 M 1",
    "SE M 1",
)

T999 = (
    "ST M 1", "AK1 M 1",
    L("AK2", "O", ">1", "AK2 M 1",
      L("IK3", "O", ">1", "IK3 M 1", "CTX O 10",
        L("IK4", "O", ">1", "IK4 M 1", "CTX O 10")),
      "IK5 M 1"),
    "AK9 M 1",
    "SE M 1",
)

TABLES: dict[str, tuple[Any, ...]] = {
    "850": T850, "860": T860, "855": T855, "856": T856, "830": T830, "810": T810,
    "997": T997, "999": T999,
}

# Functional group id of each set (GS01).
FUNCTIONAL_IDS = {"850": "PO", "860": "PC", "855": "PR", "856": "SH", "830": "PS", "810": "IN",
                  "997": "FA", "999": "FA"}
