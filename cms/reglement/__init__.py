"""The règlement: its page type, adopted versions, their diff, the colleges' approvals, its PDF."""
