"""Adopted versions of the règlement, their diff and the colleges' approvals."""
