"""Signoff: estimate authorization for automotive and truck repair shops."""

__version__ = "0.1.0"
