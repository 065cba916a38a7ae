"""The funds and the public statement (sao kê). Returns data; the command line renders it.

A fund is a programme: money given for it (a donation of kind `cash` earmarked for it, or for
`general` when it was not), less what was spent from it (spending) and the cash handed out in
it (handouts of kind `cash`). Every figure is read from the yearly totals kept by triggers
(donation_year, spending_year, year_summary), a few rows per year whatever the ledger's size;
only the statement lists the year's entries, and it checks them against those totals.

Amounts are whole đồng. Voided entries are left out everywhere.
"""

import sqlite3

from heartlink import donors
from heartlink.errors import HeartlinkError
from heartlink.i18n import Lang, _
from heartlink.text import parse_year

GENERAL = "general"
CASH = "cash"
FIGURES = ("opening_vnd", "received_vnd", "spent_vnd", "cash_out_vnd", "closing_vnd")

# Per programme, the money that moved in the years before the year asked and in that year,
# from the yearly totals: received (+), spent and handed out in cash (-).
_FLOWS = {
    "received_vnd": (
        "SELECT programme, year, count AS amount FROM donation_year WHERE kind = 'cash'"
    ),
    "spent_vnd": "SELECT programme, year, amount_vnd AS amount FROM spending_year",
    "cash_out_vnd": (
        "SELECT programme, year, count AS amount FROM year_summary"
        " WHERE kind = 'cash' AND programme != ''"
    ),
}


class StatementDoesNotTie(HeartlinkError):
    """The statement's lines do not add up to the yearly totals: nothing is written."""


def _programmes(conn: sqlite3.Connection) -> dict[str, tuple[str, str]]:
    # By position: `check` reads with a plain connection, no row factory.
    rows = conn.execute("SELECT slug, name_en, name_vi FROM programme ORDER BY rowid")
    return {slug: (name_en, name_vi) for slug, name_en, name_vi in rows}


def balances(conn: sqlite3.Connection, year: int | str) -> dict:
    """Each fund in YEAR: {"year", "programmes": [{"programme", "name", "name_vi",
    "opening_vnd", "received_vnd", "spent_vnd", "cash_out_vnd", "closing_vnd"}], "total": the
    same figures summed}. The general fund is always listed; other programmes when money moved
    in them up to YEAR. opening + received - spent - cash out = closing, per fund and in total.
    """
    year = parse_year(year)
    before: dict[str, int] = {}
    during: dict[str, dict[str, int]] = {}
    for figure, sql in _FLOWS.items():
        sign = 1 if figure == "received_vnd" else -1
        totals = conn.execute(
            f"SELECT programme, SUM(CASE WHEN year < ? THEN amount END),"
            f" SUM(CASE WHEN year = ? THEN amount END) FROM ({sql}) WHERE year <= ?"
            " GROUP BY programme",
            (year, year, year),
        )
        for programme, earlier, now in totals:
            before[programme] = before.get(programme, 0) + sign * (earlier or 0)
            during.setdefault(programme, {})[figure] = now or 0
    names = _programmes(conn)
    order = {slug: position for position, slug in enumerate(names)}
    listed = sorted({GENERAL, *before, *during}, key=lambda slug: order.get(slug, len(order)))
    rows = []
    for slug in listed:
        flows = {figure: during.get(slug, {}).get(figure, 0) for figure in _FLOWS}
        opening = before.get(slug, 0)
        closing = opening + flows["received_vnd"] - flows["spent_vnd"] - flows["cash_out_vnd"]
        name_en, name_vi = names.get(slug, (slug, slug))
        rows.append(
            {
                "programme": slug,
                "name": name_en,
                "name_vi": name_vi,
                "opening_vnd": opening,
                **flows,
                "closing_vnd": closing,
            }
        )
    total = {figure: sum(row[figure] for row in rows) for figure in FIGURES}
    return {"year": year, "programmes": rows, "total": total}


def negative_funds(conn: sqlite3.Connection) -> list[dict]:
    """Each fund whose balance was below zero at the end of a year: [{"programme", "year",
    "closing_vnd"}], the first such year of each fund (a fund may be advanced by the
    officers; `check` lists it so that someone tops it up)."""
    years = [
        row[0]
        for row in conn.execute(
            " UNION ".join(f"SELECT year FROM ({sql})" for sql in _FLOWS.values()) + " ORDER BY 1"
        )
    ]
    found: dict[str, dict] = {}
    for year in years:
        for row in balances(conn, year)["programmes"]:
            if row["closing_vnd"] < 0 and row["programme"] not in found:
                found[row["programme"]] = {
                    "programme": row["programme"],
                    "year": year,
                    "closing_vnd": row["closing_vnd"],
                }
    return list(found.values())


# --- donors as the public reads them ---------------------------------------------------------

# --- the statement ---------------------------------------------------------------------------


def _receipts(conn: sqlite3.Connection, year: int, lang: Lang) -> list[dict]:
    from heartlink.ids import short_code

    rows = conn.execute(
        """SELECT d.id, d.date, d.kind, d.programme, d.count, d.value_vnd, d.method,
                  o.name, o.type, o.public
           FROM donation d LEFT JOIN donor o ON o.id = d.donor_id
           WHERE d.year = ? AND d.voided_at IS NULL ORDER BY d.date, d.id""",
        (year,),
    )
    return [
        {
            "date": row["date"],
            "code": short_code(row["id"]),
            # Only what the public may read leaves this function: never a private donor's name.
            "donor": donors.public_name(row if row["type"] is not None else None, lang),
            "method": row["method"],
            "programme": row["programme"],
            "kind": row["kind"],
            "count": row["count"],
            "value_vnd": row["value_vnd"],
        }
        for row in rows
    ]


def _spending(conn: sqlite3.Connection, year: int) -> list[dict]:
    from heartlink.ids import short_code

    rows = conn.execute(
        """SELECT id, date, programme, purpose, amount_vnd, buys_kind, quantity FROM spending
           WHERE year = ? AND voided_at IS NULL ORDER BY date, id""",
        (year,),
    )
    return [
        {"date": row["date"], "code": short_code(row["id"])}
        | {key: row[key] for key in ("programme", "purpose", "amount_vnd", "buys_kind", "quantity")}
        for row in rows
    ]


def _handed_out(conn: sqlite3.Connection, year: int) -> list[dict]:
    """What was handed out per programme and kind: counts, handouts, distinct people, value.
    From the yearly totals only, so no beneficiary's name, code or group can appear."""
    rows = conn.execute(
        """SELECT s.programme, s.kind, s.count, s.handouts, s.people,
                  CASE WHEN s.valued > 0 THEN s.value_vnd END AS value_vnd
           FROM year_summary s
           LEFT JOIN programme p ON p.slug = s.programme LEFT JOIN kind k ON k.slug = s.kind
           WHERE s.year = ? AND s.kind != '' AND s.programme != ''
           ORDER BY p.rowid, k.rowid""",
        (year,),
    )
    return [dict(row) for row in rows]


def stock(conn: sqlite3.Connection, year: int | str) -> list[dict]:
    """Each tracked kind at the end of YEAR, as `heartlink stock` gives it (heartlink.stock):
    {"kind", "unit", "opening", "in", "out", "on_hand", "value_vnd", "valued_at"}, from the
    yearly totals."""
    import datetime as dt

    from heartlink import stock as stocks

    year = parse_year(year)
    return stocks.levels(conn, today=dt.date(year, 12, 31))["kinds"]


def _ties(conn: sqlite3.Connection, year: int, receipts: list[dict], spending: list[dict]):
    """Raise StatementDoesNotTie when the listed lines differ from the yearly totals."""
    listed: dict[tuple, list[int]] = {}
    for receipt in receipts:
        figures = listed.setdefault(("donation", receipt["programme"], receipt["kind"]), [0, 0])
        figures[0] += receipt["count"]
        figures[1] += receipt["value_vnd"] or 0
    for line in spending:
        figures = listed.setdefault(
            ("spending", line["programme"], line["buys_kind"] or ""), [0, 0]
        )
        figures[0] += line["amount_vnd"]
        figures[1] += line["quantity"] or 0
    kept: dict[tuple, list[int]] = {}
    for programme, kind, count, value in conn.execute(
        "SELECT programme, kind, count, value_vnd FROM donation_year WHERE year = ?", (year,)
    ):
        kept[("donation", programme, kind)] = [count, value]
    for programme, buys, amount, quantity in conn.execute(
        "SELECT programme, buys_kind, amount_vnd, quantity FROM spending_year WHERE year = ?",
        (year,),
    ):
        kept[("spending", programme, buys)] = [amount, quantity]
    wrong = []
    for key in sorted(set(listed) | set(kept)):
        lines, totals = listed.get(key, [0, 0]), kept.get(key, [0, 0])
        if lines != totals:
            what, programme, kind = key
            figure = ("amount" if kind == CASH else "count") if what == "donation" else "amount"
            if what == "spending":
                name = _("spending of programme {programme}").format(programme=programme) + (
                    _(" buying {kind}").format(kind=kind) if kind else ""
                )
            else:
                name = f"receipts of {kind} for programme {programme}"
            difference = totals[0] - lines[0]
            if difference == 0:
                figure, difference = (
                    ("value" if what == "donation" else "quantity"),
                    (totals[1] - lines[1]),
                )
            wrong.append(
                _(
                    "the {name}: lines {lines:,} against yearly totals {totals:,} "
                    "({figure} differs by {difference:+,})"
                ).format(
                    name=name,
                    lines=lines[0],
                    totals=totals[0],
                    figure=figure,
                    difference=difference,
                )
            )
    if wrong:
        more = f" and {len(wrong) - 1} more" if len(wrong) > 1 else ""
        raise StatementDoesNotTie(
            _(
                "the statement of {year} does not tie, nothing was written: "
                "{wrong}{more}. The yearly totals were changed outside "
                "heartlink; run `heartlink check`"
            ).format(year=year, wrong=wrong[0], more=more)
        )


def _check_balances(funds: dict) -> None:
    for row in [*funds["programmes"], funds["total"]]:
        flows = row["opening_vnd"] + row["received_vnd"] - row["spent_vnd"] - row["cash_out_vnd"]
        if flows != row["closing_vnd"]:
            name = row.get("programme", "all funds")
            raise StatementDoesNotTie(
                _(
                    "the balance of {name} in {year} does not tie: opening + "
                    "received - spent - cash handed out = {flows:,}, closing "
                    "{closing_vnd:,}"
                ).format(name=name, year=funds["year"], flows=flows, closing_vnd=row["closing_vnd"])
            )


def statement(conn: sqlite3.Connection, year: int | str, lang: Lang | str = Lang.en) -> dict:
    """The public statement of YEAR: {"year", "opening" and "closing" ({programme slug: đồng}),
    "funds" (balances()'s rows), "receipts" (every donation: "date", "code", "donor" as the
    public may read it, "method", "programme", "kind", "count", "value_vnd"), "spending" (every
    line: "date", "code", "programme", "purpose", "amount_vnd", "buys_kind", "quantity"),
    "handed_out" (per programme and kind: "count", "handouts", "people", "value_vnd"), "stock"
    (tracked kinds), "chain_head" (the audit chain's head: {"entry", "hash", "entries"})}.

    Raises StatementDoesNotTie when the lines do not add up to the yearly totals or a balance
    does not tie. Never holds a beneficiary's name, code or group, nor a private donor's name.
    """
    year, lang = parse_year(year), Lang(lang)
    funds = balances(conn, year)
    receipts = _receipts(conn, year, lang)
    spending = _spending(conn, year)
    _ties(conn, year, receipts, spending)
    _check_balances(funds)
    return {
        "year": year,
        "opening": {row["programme"]: row["opening_vnd"] for row in funds["programmes"]},
        "receipts": receipts,
        "spending": spending,
        "handed_out": _handed_out(conn, year),
        "closing": {row["programme"]: row["closing_vnd"] for row in funds["programmes"]},
        "funds": funds["programmes"],
        "total": funds["total"],
        "stock": stock(conn, year),
        "chain_head": _chain_head(conn),
        **_sponsorships().section(conn, year),
        **_closing(conn, year),
    }


def _sponsorships():
    """heartlink.sponsorships: the statement's section per programme (no beneficiary named)."""
    from heartlink import sponsorships

    return sponsorships


def _closing(conn: sqlite3.Connection, year: int) -> dict:
    """ "closed" and "reopened" of a year that was ever closed (heartlink.closing)."""
    from heartlink import closing

    return closing.stated(conn, year)


def money_of_year(conn: sqlite3.Connection, year: int | str) -> list[dict]:
    """For the report: per programme, the money received, spent and handed out in cash in
    YEAR (no opening or closing); empty when no money moved that year."""
    rows = balances(conn, year)["programmes"]
    moved = ("received_vnd", "spent_vnd", "cash_out_vnd")
    return [
        {key: row[key] for key in ("programme", "name", "name_vi", *moved)}
        for row in rows
        if any(row[figure] for figure in moved)
    ]


def money_moved(conn: sqlite3.Connection, year: int) -> bool:
    """Whether any donation or spending line counts in `year` (the report shows its money
    section only then, so that a year of handouts alone reads as it always has)."""
    found = conn.execute(
        "SELECT EXISTS (SELECT 1 FROM donation_year WHERE year = ?)"
        " OR EXISTS (SELECT 1 FROM spending_year WHERE year = ?)",
        (year, year),
    )
    return bool(found.fetchone()[0])


def _chain_head(conn: sqlite3.Connection) -> dict:
    """The audit chain's head a printed statement quotes, its entries' hashes checked: a
    statement is not made from a ledger whose history was rewritten. Whether every record still
    matches its seal is `heartlink check`'s work (a scan of the whole ledger, not the year's)."""
    from heartlink import audit

    broken, head, _count = audit.verify_chain(conn)
    if broken:
        raise HeartlinkError(
            _(
                "the audit log is broken ({count} finding(s), first at "
                "{target}); no statement was made. Run `heartlink check`"
            ).format(count=len(broken), target=broken[0]["target"])
        )
    return head
