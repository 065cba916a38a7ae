"""heartlink: a command-line ledger for community charity work."""

__version__ = "0.1.0"
