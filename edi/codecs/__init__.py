"""EDI codecs: bytes <-> canonical documents, in pure Python.

Nothing in this package imports Django or touches a database, so the codecs run from the
command line, inside Celery workers and under fuzzers alike. Mapping canonical documents
to models is the job of ``edi.services``.
"""
