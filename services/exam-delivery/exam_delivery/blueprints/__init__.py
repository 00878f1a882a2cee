"""Blueprints and their attempt policies."""
