"""Editions in the app: the "as at" choice (``?asat=<edition id>``)."""
