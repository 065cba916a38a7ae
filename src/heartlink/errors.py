"""The core's own exceptions. The command line turns each into one `Error: …` line.

Messages name what was wrong and how to fix it, and never carry personal data (names, phones,
addresses): they may end up in a log or a screenshot.
"""


class HeartlinkError(Exception):
    """A failure the user can act on. Exit code 1."""

    exit_code = 1


class InputError(HeartlinkError):
    """The command was given a value it cannot use (a usage error). Exit code 2."""

    exit_code = 2


class NotFoundError(HeartlinkError):
    """A named record (beneficiary, handout, kind, programme) does not exist."""


class DatabaseError(HeartlinkError):
    """The database file cannot be used: not SQLite, not heartlink's, too new, unwritable."""


class DamagedDatabaseError(DatabaseError):
    """The file is not a readable SQLite database (damaged, truncated, or something else)."""
