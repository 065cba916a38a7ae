"""`heartlink db …`: where the database lives."""

import typer

app = typer.Typer(help="The database file.\n\nExample: heartlink db path", no_args_is_help=True)


@app.command("path")
def path() -> None:
    """Print the database file in use: --db, then $HEARTLINK_DB, then the user data folder.

    Example: heartlink --db station.db db path
    """
    from heartlink.cli.common import db_path, say, settings

    if settings.sample:
        say("--sample uses data in memory; this is the file used without it:")
    print(db_path())
