"""The D.96A tables are generated from the UNECE directory, and say what the directory says."""

from __future__ import annotations

from pathlib import Path

import pytest

from edi.codecs.edifact import directory
from edi.codecs.edifact.tables import d96a

SOURCE = Path("/work/shared/edifact-d96a")
GENERATED = Path(directory.__file__).parent / "tables" / "d96a.py"


@pytest.mark.skipif(not SOURCE.exists(), reason="UNECE D.96A directory files not available")
def test_generated_module_matches_the_directory(tmp_path: Path) -> None:
    out = tmp_path / "d96a.py"
    assert directory.main([str(SOURCE), str(out)]) == 0
    assert out.read_text(encoding="utf-8") == GENERATED.read_text(encoding="utf-8")


def test_desadv_structure() -> None:
    tree = d96a.MESSAGES["DESADV"]
    assert tree[0] == ("0010", "UNH", "M", 1) and tree[-1] == ("0990", "UNT", "M", 1)
    sg10 = next(n for n in tree if n[1] == "SG10")
    assert sg10[2:4] == ("C", 9999)
    sg15 = next(n for n in sg10[4] if n[1] == "SG15")
    assert [c[1] for c in sg15[4][:7]] == ["LIN", "PIA", "IMD", "MEA", "QTY", "ALI", "GIN"]
    sg20 = next(n for n in sg15[4] if n[1] == "SG20")
    assert sg20[4][0] == ("0840", "PCI", "M", 1)


def test_every_message_segment_is_defined() -> None:
    service = {"UNH", "UNT", "UNS"}

    def walk(nodes):
        for n in nodes:
            yield n
            if len(n) == 5:
                yield from walk(n[4])

    for name, tree in d96a.MESSAGES.items():
        for node in walk(tree):
            if len(node) == 4:
                assert node[1] in d96a.SEGMENTS or node[1] in service, (name, node)


def test_segments_composites_and_codes() -> None:
    name, elements = d96a.SEGMENTS["LIN"]
    assert name == "Line item"
    assert elements[0] == ("010", "1082", "C", ("n", 1, 6))
    assert elements[2][1] == "C212" and elements[2][3][0] == ("7140", "C", ("an", 1, 35))
    assert d96a.COMPOSITES["C273"][1][3] == ("7008", "C", ("an", 1, 35))
    assert d96a.ELEMENTS["1004"] == ("Document/message number", ("an", 1, 35))
    assert d96a.CODES["1225"]["9"] == "Original"
    assert d96a.CODES["7405"]["BJ"] == "Serial shipping container code"
    assert d96a.CODES["2005"]["11"] == "Despatch date and or time"  # a "#|" change-marked entry
    assert d96a.SERVICE_CODES["0085"]["13"] == "Missing"
    assert d96a.SERVICE_CODES["0085"]["35"] == "Too many segment repetitions"
    assert set(d96a.SERVICE_CODES["0083"]) == {"1", "2", "3", "4", "5", "6", "7", "8"}
    assert list(d96a.SERVICE_CODES["0001"]) == ["UNOA", "UNOB", "UNOC", "UNOD", "UNOE", "UNOF"]
