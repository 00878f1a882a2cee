"""Attempts: start (form assembly), state, questions, answers, parts, submission, the sweeper and the outbox."""
