"""Audits of a platform's own records: who was affected, counted from a consent ledger."""
