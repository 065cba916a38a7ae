"""Yearly totals. Returns data; the command line decides how to show it."""

import sqlite3

from heartlink.text import parse_year

# Reads only the covering index handout_year_totals for the year asked.
_TOTALS = """
SELECT {dimension} AS key, SUM(count) AS count, COUNT(*) AS handouts,
       COUNT(DISTINCT beneficiary_id) AS beneficiaries, SUM(value_vnd) AS value_vnd
FROM handout INDEXED BY handout_year_totals
WHERE year = ? AND voided_at IS NULL
GROUP BY {dimension}
"""


def yearly(conn: sqlite3.Connection, year: int | str) -> dict:
    """Totals of one year's handouts (voided ones left out), per kind and per programme.

    `count` is in the kind's unit; `beneficiaries` counts distinct named people and households
    (anonymous handouts, such as meals at a hospital, add to counts but not to beneficiaries);
    `value_vnd` is the sum of the values known, None when no handout had one.
    """
    year = parse_year(year)
    # Rows come in catalogue order (the order of `heartlink kind list`), not alphabetical.
    kinds = {row["slug"]: row for row in conn.execute("SELECT * FROM kind ORDER BY rowid")}
    programmes = {
        row["slug"]: row for row in conn.execute("SELECT * FROM programme ORDER BY rowid")
    }
    totals = []
    for row in conn.execute(_TOTALS.format(dimension="kind"), (year,)):
        kind = kinds[row["key"]]
        totals.append(
            {
                "kind": kind["slug"],
                "name": kind["name_en"],
                "name_vi": kind["name_vi"],
                "unit": kind["unit_en"],
                "unit_vi": kind["unit_vi"],
                **_figures(row),
            }
        )
    by_programme = []
    for row in conn.execute(_TOTALS.format(dimension="programme"), (year,)):
        programme = programmes[row["key"]]
        by_programme.append(
            {
                "programme": programme["slug"],
                "name": programme["name_en"],
                "name_vi": programme["name_vi"],
                **_figures(row),
            }
        )
    overall = conn.execute(
        "SELECT COUNT(*) AS handouts, COUNT(DISTINCT beneficiary_id) AS beneficiaries,"
        " SUM(value_vnd) AS value_vnd FROM handout INDEXED BY handout_year_totals"
        " WHERE year = ? AND voided_at IS NULL",
        (year,),
    ).fetchone()
    kind_order, programme_order = list(kinds), list(programmes)
    return {
        "year": year,
        "totals": sorted(totals, key=lambda t: kind_order.index(t["kind"])),
        "programmes": sorted(by_programme, key=lambda p: programme_order.index(p["programme"])),
        "overall": dict(overall),
    }


def _figures(row: sqlite3.Row) -> dict:
    return {
        "count": row["count"],
        "handouts": row["handouts"],
        "beneficiaries": row["beneficiaries"],
        "value_vnd": row["value_vnd"],
    }
