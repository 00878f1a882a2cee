"""Accounts: log-in and its throttle, users, accommodations, token revocations."""
