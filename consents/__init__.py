"""Pseudonymised participants, consent forms and the consent ledger, withdrawals and reservations."""
