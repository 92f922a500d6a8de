"""Signed documents for the people entitled to them, and the verification page."""
