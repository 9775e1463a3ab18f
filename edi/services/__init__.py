"""Writes of the EDI hub, split by noun: control numbers, inbound pipeline, outbound sends,
mapping canonical documents to the domain, ERP files, file drop, partner configuration."""
