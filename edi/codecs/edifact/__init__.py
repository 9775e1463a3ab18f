"""UN/EDIFACT codec: streaming reader validating against the D.96A directory, writer, CONTRL.

    from edi.codecs import edifact
    for result in edifact.read(open("in.edi", "rb")):
        ...
    data = edifact.write(docs, sender="5412345000013", receiver="4012345000009", control_number="17")
"""

from edi.codecs.edifact.reader import read
from edi.codecs.edifact.syntax import Separators
from edi.codecs.edifact.writer import contrl_for, write

__all__ = ["read", "write", "contrl_for", "Separators"]
