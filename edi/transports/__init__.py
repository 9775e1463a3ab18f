"""EDI transports: moving interchanges between us and trading partners.

Like the codecs, transports are pure Python: no Django imports, no database. Views and
Celery tasks call into them and keep the state (archives, retries, MDN bookkeeping).
"""
