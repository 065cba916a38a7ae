"""Yearly totals and their views. Returns data; the command line decides how to show it.

Every figure leaves voided handouts out. `count` is in the kind's unit; `handouts` counts
handouts, of which `anonymous_handouts` named nobody (meals at a hospital); `beneficiaries`
counts distinct named people and households, so anonymous handouts add to counts and handouts
but never to beneficiaries; `value_vnd` is the sum of the values known, None when none was.

With `as_of` (a date), figures are those the ledger held at the end of that day: handouts
recorded later are left out, and handouts voided later still count.
"""

import datetime as dt
import enum
import re
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from typing import NamedTuple

from heartlink.errors import InputError
from heartlink.i18n import Lang, _
from heartlink.tables import Column, Table
from heartlink.text import parse_year

VIEWS = ("kind", "programme", "month", "category", "group")
# The view of a file holding several stations' records (heartlink.merging); not a sheet of
# the totals workbook, which a station makes of its own records.
STATION_VIEW = "station"
# In the category and group views: a named beneficiary with no category or no group. Anonymous
# handouts have None there. Parentheses keep it apart from any slug or group name.
NOT_SET = "(none)"

# SQL for each view's dimension over `handout h` (and `beneficiary b` for the group).
_DIMENSIONS = {
    "kind": "NULL",
    "programme": "h.programme",
    "month": "CAST(substr(h.date, 6, 2) AS INTEGER)",
    # Someone in several categories counts under the first in catalogue order, so that the
    # rows of a year add up to its totals.
    "category": f"""CASE WHEN h.beneficiary_id IS NULL THEN NULL ELSE coalesce(
        (SELECT c.category FROM beneficiary_category c JOIN category k ON k.slug = c.category
         WHERE c.beneficiary_id = h.beneficiary_id ORDER BY k.rowid LIMIT 1), '{NOT_SET}') END""",
    "group": f"""CASE WHEN h.beneficiary_id IS NULL THEN NULL
        ELSE coalesce(b.residential_group, '{NOT_SET}') END""",
}

_FIGURES = """SUM(h.count) AS count, COUNT(*) AS handouts,
       SUM(h.beneficiary_id IS NULL) AS anonymous_handouts,
       COUNT(DISTINCT h.beneficiary_id) AS beneficiaries, SUM(h.value_vnd) AS value_vnd"""

FIGURES = ("count", "handouts", "anonymous_handouts", "beneficiaries", "value_vnd")


def as_of_cutoff(day: dt.date) -> str:
    """The first instant after `day` (local time, where the station is), as the UTC timestamp
    text created_at and voided_at are compared with."""
    next_midnight = dt.datetime.combine(day + dt.timedelta(days=1), dt.time()).astimezone()
    moment = next_midnight.astimezone(dt.UTC)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


class Only(NamedTuple):
    """One station's records in a file that holds several (`--station CODE`): its id, None
    for the file's own station (its records carry no station), and its code."""

    station_id: str | None
    code: str | None


def _where(year: int, as_of: dt.date | None, only: Only | None = None) -> tuple[str, list]:
    where, params = _where_all(year, as_of)
    if only is None:
        return where, params
    if only.station_id is None:
        return where + " AND h.station_id IS NULL", params
    return where + " AND h.station_id = ?", [*params, only.station_id]


def _where_all(year: int, as_of: dt.date | None) -> tuple[str, list]:
    if as_of is None:
        return "h.year = ? AND h.voided_at IS NULL", [year]
    cutoff = as_of_cutoff(as_of)
    return (
        "h.year = ? AND h.created_at < ? AND (h.voided_at IS NULL OR h.voided_at >= ?)",
        [year, cutoff, cutoff],
    )


def only_station(conn: sqlite3.Connection, text: str) -> Only:
    """The station named by code or id, as a filter of the reports."""
    from heartlink import stations

    found = stations.find(conn, text)
    own = stations.own(conn)
    return Only(None if own is not None and own.id == found.id else found.id, found.code)


# year_summary's columns, per level, of one station: a merged station's from station_year
# (kept by the merge), the file's own as the year's totals less every merged station's.
_LEVEL_COLUMNS = "kind, programme, count, handouts, anonymous, value_vnd, valued, people"
_NEGATED = "kind, programme, -count, -handouts, -anonymous, -value_vnd, -valued, -people"


def _station_summary(only: Only) -> tuple[str, list]:
    """A SELECT of year_summary's rows (kind, programme and figures) of one station and year
    (its one parameter, the year, then the station's id)."""
    if only.station_id is not None:
        return (
            f"SELECT {_LEVEL_COLUMNS} FROM station_year WHERE year = ? AND station_id = ?",
            [only.station_id],
        )
    sums = ", ".join(f"SUM({column}) AS {column}" for column in _LEVEL_COLUMNS.split(", ")[2:])
    return (
        f"SELECT kind, programme, {sums} FROM (SELECT {_LEVEL_COLUMNS} FROM year_summary"
        f" WHERE year = :year UNION ALL SELECT {_NEGATED} FROM station_year WHERE year = :year)"
        " GROUP BY kind, programme HAVING SUM(handouts) > 0",
        [],
    )


def _summary_rows(only: Only | None, year: int) -> tuple[str, dict | list]:
    """The source of year_summary's rows for `year`: the table itself, or one station's."""
    if only is None:
        return "SELECT * FROM year_summary WHERE year = ?", [year]
    sql, rest = _station_summary(only)
    if rest:
        return sql, [year, *rest]
    return sql, {"year": year}


def station_view(conn: sqlite3.Connection, year: int) -> list[dict]:
    """Rows of the `station` view: per station (its code) and kind, the year's figures; the
    file's own station (its records carry no station) beside every merged one."""
    from heartlink import stations

    merged = {station.id: station.code for station in stations.merged(conn)}
    own = stations.own(conn)
    rows = []
    units = _units(conn)
    for station_id, code in [(None, own.code if own else None), *merged.items()]:
        sql, params = _summary_rows(Only(station_id, code), year)
        for row in conn.execute(
            f"SELECT kind AS key, kind, {_SUMMARY_FIGURES} FROM ({sql})"
            " WHERE kind != '' AND programme = ''",
            params,
        ):
            rows.append(
                {"year": year, "station": code, "kind": row["kind"], "unit": units[row["kind"]]}
                | {figure: row[figure] for figure in FIGURES}
            )
    return rows


# The views year_summary answers (without --as-of), and the SQL of their dimension there.
_SUMMARY_VIEWS = {"kind": "NULL", "programme": "programme"}


def _catalogue_order(conn: sqlite3.Connection, table: str) -> dict[str, int]:
    rows = conn.execute(f"SELECT slug FROM {table} ORDER BY rowid")
    return {row[0]: position for position, row in enumerate(rows)}


def _units(conn: sqlite3.Connection) -> dict[str, str]:
    return dict(conn.execute("SELECT slug, unit_en FROM kind").fetchall())


def yearly(
    conn: sqlite3.Connection,
    year: int | str,
    as_of: dt.date | None = None,
    only: Only | None = None,
) -> dict:
    """Totals of one year per kind and per programme, and overall (the `report` object);
    with `only`, of one station's handouts (its money is not kept per station: left out)."""
    year = parse_year(year)
    kinds = {row["slug"]: row for row in conn.execute("SELECT * FROM kind ORDER BY rowid")}
    programmes = {
        row["slug"]: row for row in conn.execute("SELECT * FROM programme ORDER BY rowid")
    }
    if as_of is None:
        grouped = _summary_levels(conn, year, only)
    else:
        grouped = _scanned_levels(conn, year, as_of, only)

    totals = [
        {
            "kind": row["key"],
            "name": kinds[row["key"]]["name_en"],
            "name_vi": kinds[row["key"]]["name_vi"],
            "unit": kinds[row["key"]]["unit_en"],
            "unit_vi": kinds[row["key"]]["unit_vi"],
            **_legacy_figures(row),
        }
        for row in grouped(Level.KIND)
    ]
    by_programme = [
        {
            "programme": row["key"],
            "name": programmes[row["key"]]["name_en"],
            "name_vi": programmes[row["key"]]["name_vi"],
            **_legacy_figures(row),
        }
        for row in grouped(Level.PROGRAMME)
    ]
    overall = _overall(grouped)
    kind_order, programme_order = list(kinds), list(programmes)
    station = {} if only is None else {"station": only.code}
    whole_file = only is None
    return (
        (_with_money_and_sponsorships(conn, year, as_of) if whole_file else {})
        | _with_closing(conn, year, None if only is None else only.station_id)
        | station
        | {
            "year": year,
            "totals": sorted(totals, key=lambda t: kind_order.index(t["kind"])),
            "programmes": sorted(by_programme, key=lambda p: programme_order.index(p["programme"])),
            "overall": {key: overall[key] for key in ("handouts", "beneficiaries", "value_vnd")},
        }
    )


def overall(conn: sqlite3.Connection, year: int | str, as_of: dt.date | None = None) -> dict:
    """The whole year's figures (FIGURES): what the rows of any view add up to, except
    `beneficiaries`, each person or household counted once in the year (someone who received
    twice is one row of two kinds, but one person), and `count`, None (kinds count in
    different units)."""
    year = parse_year(year)
    grouped = _summary_levels(conn, year) if as_of is None else _scanned_levels(conn, year, as_of)
    return _overall(grouped) | {"count": None}


def _overall(grouped: "FiguresAtLevel") -> dict:
    rows = grouped(Level.YEAR)
    if not rows:
        return {
            "count": 0,
            "handouts": 0,
            "anonymous_handouts": 0,
            "beneficiaries": 0,
            "value_vnd": None,
        }
    return {figure: rows[0][figure] for figure in FIGURES}


def _with_money(conn: sqlite3.Connection, year: int, as_of: dt.date | None) -> dict:
    """The year's money per fund ("received and spent"), only in a year when money came in or
    was spent: a year of handouts alone reports as it always has."""
    from heartlink import funds

    if as_of is not None or not funds.money_moved(conn, year):
        return {}
    return {"received_and_spent": funds.money_of_year(conn, year)}


def _with_money_and_sponsorships(
    conn: sqlite3.Connection, year: int, as_of: dt.date | None
) -> dict:
    """_with_money, and the year's sponsorships per programme (heartlink.sponsorships.of_year)
    only in a year when one ran: committed, received, paid out, held and overdue."""
    from heartlink import sponsorships

    money = _with_money(conn, year, as_of)
    return money if as_of is not None else money | sponsorships.section(conn, year)


def _with_closing(conn: sqlite3.Connection, year: int, station_id: str | None = None) -> dict:
    """Whether the year of the file's station (or of the merged station `station_id`) is
    closed ("closed") and when it was reopened ("reopened"), only for a year that was ever
    closed (heartlink.closing)."""
    from heartlink import closing

    return closing.stated(conn, year, station_id)


# The money section's figures, as rows of the totals table (section, its figure, its count).
MONEY_SECTIONS = {"received": "received_vnd", "spent": "spent_vnd", "cash_out": "cash_out_vnd"}


class Level(enum.Enum):
    """A level of a year's figures: per kind, per programme or the whole year, with its
    handout column and the rows of year_summary that hold it."""

    KIND = ("kind", "kind != '' AND programme = ''")
    PROGRAMME = ("programme", "kind = '' AND programme != ''")
    YEAR = (None, "kind = '' AND programme = ''")

    @property
    def column(self) -> str | None:
        return self.value[0]

    @property
    def summary_rows(self) -> str:
        return self.value[1]


# The year's figures at a level, one row per kind or programme (one row for the year).
FiguresAtLevel = Callable[[Level], list[sqlite3.Row]]

# year_summary's figures under the names of _FIGURES (a level with no value known has
# value_vnd None, as SUM gives).
_SUMMARY_FIGURES = """count, handouts, anonymous AS anonymous_handouts,
       people AS beneficiaries, CASE WHEN valued > 0 THEN value_vnd END AS value_vnd"""


def _summary_levels(
    conn: sqlite3.Connection, year: int, only: Only | None = None
) -> FiguresAtLevel:
    """The year's figures per kind, per programme or overall (None), from year_summary (see
    heartlink.summaries), or one station's: a few dozen rows whatever the size of the ledger."""
    source, params = _summary_rows(only, year)

    def level(at: Level) -> list[sqlite3.Row]:
        sql = (
            f"SELECT {at.column or 'NULL'} AS key, {_SUMMARY_FIGURES} FROM ({source})"
            f" WHERE {at.summary_rows}"
        )
        return conn.execute(sql, params).fetchall()

    return level


def _scanned_levels(
    conn: sqlite3.Connection, year: int, as_of: dt.date, only: Only | None = None
) -> FiguresAtLevel:
    """The same figures as the ledger held them at the end of `as_of`, from the handouts (the
    summary holds only the present)."""
    where, params = _where(year, as_of, only)

    def level(at: Level) -> list[sqlite3.Row]:
        key = f"h.{at.column}" if at.column else "NULL"
        group = f" GROUP BY {key}" if at.column else ""
        sql = f"SELECT {key} AS key, {_FIGURES} FROM handout h WHERE {where}{group}"
        rows = conn.execute(sql, params).fetchall()
        return [row for row in rows if row["handouts"]]

    return level


TOTALS_FIELDS = [
    "section",
    "key",
    "name",
    "name_vi",
    "unit",
    "count",
    "handouts",
    "beneficiaries",
    "value_vnd",
]


# TOTALS_FIELDS' headings in Vietnamese (the English heading is the field itself).
TOTALS_HEADINGS_VI = {
    "section": "Phần",
    "key": "Mã",
    "name": "Tên",
    "name_vi": "Tên tiếng Việt",
    "unit": "Đơn vị",
    "count": "Số lượng",
    "handouts": "Lượt trao",
    "beneficiaries": "Người nhận có tên",
    "value_vnd": "Giá trị (đồng)",
}
_FIGURE_KINDS = {"value_vnd": "money", "compare_value_vnd": "money", "change_pct": "percent"}


def _figure_kind(field: str) -> str:
    if field in _FIGURE_KINDS:
        return _FIGURE_KINDS[field]
    if field.endswith("_change"):
        return "signed"
    figure = field.removeprefix("compare_")
    return "number" if figure in FIGURES else "text"


def totals_table(totals: dict, lang: Lang = Lang.en) -> Table:
    """yearly()'s object as one flat table (TOTALS_FIELDS), names, units and headings in
    `lang`: what `report --format csv` and `export totals --format csv` write."""
    vi = lang == Lang.vi
    columns = [
        Column(field, TOTALS_HEADINGS_VI[field] if vi else field, _figure_kind(field))
        for field in TOTALS_FIELDS
    ]
    return Table.of(columns, list(totals_rows(totals, vi=vi)), "totals")


def view_table(rows: list[dict], by: str, *, compare: bool = False) -> Table:
    """view()'s (or compare()'s) rows as a table of view_fields(), for scripts."""
    fields = view_fields(by, compare=compare)
    columns = [
        Column(field, field, "text" if field == by else _figure_kind(field)) for field in fields
    ]
    return Table.of(columns, rows, by)


def totals_rows(totals: dict, *, vi: bool = False) -> Iterator[dict]:
    """yearly()'s object as flat rows (TOTALS_FIELDS): per kind, then per programme, `name`
    and `unit` in Vietnamese with `vi`."""
    for row in totals["totals"]:
        yield {
            "section": "kind",
            "key": row["kind"],
            **row,
            "name": row["name_vi"] if vi else row["name"],
            "unit": row["unit_vi"] if vi else row["unit"],
        }
    for row in totals["programmes"]:
        yield {
            "section": "programme",
            "key": row["programme"],
            **row,
            "name": row["name_vi"] if vi else row["name"],
        }
    for section, figure in MONEY_SECTIONS.items():
        for row in totals.get("received_and_spent", []):
            if row[figure]:
                yield {
                    "section": section,
                    "key": row["programme"],
                    "name": row["name_vi"] if vi else row["name"],
                    "name_vi": row["name_vi"],
                    "unit": "đồng" if vi else "VND",
                    "value_vnd": row[figure],
                }


def _legacy_figures(row: sqlite3.Row) -> dict:
    # The `report --format json` object predates anonymous_handouts; its shape is kept.
    return {key: row[key] for key in ("count", "handouts", "beneficiaries", "value_vnd")}


def check_view(by: str) -> str:
    if by not in (*VIEWS, STATION_VIEW):
        raise InputError(
            _("unknown view {by!r}; use one of {views}").format(by=by, views=", ".join(VIEWS))
        )
    return by


def view(
    conn: sqlite3.Connection,
    year: int | str,
    by: str = "kind",
    as_of: dt.date | None = None,
    only: Only | None = None,
) -> list[dict]:
    """One year's totals as rows keyed by the view's dimension (none for `kind`) and the kind:
    {"year", <by>, "kind", "unit", "count", "handouts", "anonymous_handouts", "beneficiaries",
    "value_vnd"}. Counts, handouts and values of a year's rows add up to its totals.
    """
    year, by = parse_year(year), check_view(by)
    if by == STATION_VIEW:
        if as_of is not None:
            raise InputError(_("--as-of: the station view gives the present figures only"))
        rows = station_view(conn, year)
        chosen = [row for row in rows if only is None or row["station"] == only.code]
        return sorted(chosen, key=_ordering(conn, by))
    if as_of is None and by in _SUMMARY_VIEWS:
        # Kept up to date by triggers (heartlink.summaries): a few dozen rows to read.
        source, params = _summary_rows(only, year)
        sql = (
            f"SELECT {_SUMMARY_VIEWS[by]} AS key, kind, {_SUMMARY_FIGURES} FROM ({source})"
            f" WHERE kind != '' AND programme {'=' if by == 'kind' else '!='} ''"
        )
    else:
        where, params = _where(year, as_of, only)
        join = " LEFT JOIN beneficiary b ON b.id = h.beneficiary_id" if by == "group" else ""
        sql = (
            f"SELECT {_DIMENSIONS[by]} AS key, h.kind AS kind, {_FIGURES}"
            f" FROM handout h{join} WHERE {where} GROUP BY 1, 2"
        )
    units = _units(conn)
    rows = []
    for row in conn.execute(sql, params):
        keyed = {"year": year} | ({} if by == "kind" else {by: row["key"]})
        rows.append(
            keyed
            | {"kind": row["kind"], "unit": units[row["kind"]]}
            | {figure: row[figure] for figure in FIGURES}
        )
    return sorted(rows, key=_ordering(conn, by))


def months_by_programme(
    conn: sqlite3.Connection, year: int | str, as_of: dt.date | None = None
) -> list[dict]:
    """Each programme's and kind's count in each month of the year (the month view of the
    signed report, a chart per programme and kind): {"programme", "kind", "unit", "counts"},
    `counts` the twelve months' counts, January first, in catalogue order."""
    where, params = _where(parse_year(year), as_of)
    sql = (
        "SELECT h.programme AS programme, h.kind AS kind, CAST(substr(h.date, 6, 2) AS INTEGER)"
        f" AS month, SUM(h.count) AS count FROM handout h WHERE {where} GROUP BY 1, 2, 3"
    )
    counts: dict[tuple, list[int]] = {}
    for row in conn.execute(sql, params):
        counts.setdefault((row["programme"], row["kind"]), [0] * 12)[row["month"] - 1] = row[
            "count"
        ]
    programmes, kinds, units = (
        _catalogue_order(conn, "programme"),
        _catalogue_order(conn, "kind"),
        _units(conn),
    )

    def order(key: tuple) -> tuple:
        programme, kind = key
        return (programmes.get(programme, len(programmes)), kinds.get(kind, len(kinds)))

    return [
        {"programme": programme, "kind": kind, "unit": units[kind], "counts": months}
        for (programme, kind), months in sorted(counts.items(), key=lambda item: order(item[0]))
    ]


def _ordering(conn: sqlite3.Connection, by: str):
    """Rows in the order people read them: catalogue order for kinds, programmes and
    categories, months in order, groups by number ("tổ 4" before "tổ 12"); rows of named people
    without a category or group, then anonymous handouts, last."""
    kinds = _catalogue_order(conn, "kind")
    dimension_order = {
        "programme": _catalogue_order(conn, "programme"),
        "category": _catalogue_order(conn, "category"),
    }.get(by)

    def dimension_key(value: object) -> tuple:
        if value is None:
            return (3,)
        if value == NOT_SET:
            return (2,)
        if dimension_order is not None:
            return (0, dimension_order.get(value, len(dimension_order)), str(value))
        if isinstance(value, int):
            return (0, value)
        return (1, *_natural(str(value)))

    def row_key(row: dict) -> tuple:
        dimension = () if by == "kind" else dimension_key(row[by])
        return (dimension, kinds.get(row["kind"], len(kinds)))

    return row_key


def _natural(text: str) -> tuple:
    return tuple(int(part) if part.isdigit() else part for part in re.split(r"(\d+)", text))


COMPARED = ("count", "handouts", "value_vnd")


def view_fields(by: str, *, compare: bool = False) -> list[str]:
    """The keys of the rows of view() (or compare()), in order: for CSV headers."""
    dimension = [] if by == "kind" else [by]
    if not compare:
        return ["year", *dimension, "kind", "unit", *FIGURES]
    figures = [
        f"{prefix}{figure}{suffix}"
        for figure in COMPARED
        for prefix, suffix in (("", ""), ("compare_", ""), ("", "_change"))
    ]
    return ["year", "compare_year", *dimension, "kind", "unit", *figures, "change_pct"]


def compare(
    conn: sqlite3.Connection,
    year: int | str,
    other_year: int | str,
    by: str = "kind",
    as_of: dt.date | None = None,
    only: Only | None = None,
) -> list[dict]:
    """`year` beside `other_year`, row by row of the view: for each of count, handouts and
    value_vnd, the figure, `compare_<figure>` (the other year's) and `<figure>_change`; and
    `change_pct`, the change of the count in percent of the other year's (None when the other
    year had none)."""
    year, other_year, by = parse_year(year), parse_year(other_year), check_view(by)
    if year == other_year:
        raise InputError(
            _("--compare {other_year} is the year of the report; give another year").format(
                other_year=other_year
            )
        )
    dimension = () if by == "kind" else (by,)

    def keyed(rows: Iterable[dict]) -> dict[tuple, dict]:
        return {(*(row[d] for d in dimension), row["kind"]): row for row in rows}

    this = keyed(view(conn, year, by, as_of, only))
    other = keyed(view(conn, other_year, by, as_of, only))
    units = _units(conn)
    rows = []
    for key in this.keys() | other.keys():
        mine, theirs = this.get(key, {}), other.get(key, {})
        row: dict = {"year": year, "compare_year": other_year}
        row |= dict(zip((*dimension, "kind"), key, strict=True))
        row["unit"] = units[row["kind"]]
        for figure in COMPARED:
            now, then = mine.get(figure), theirs.get(figure)
            if figure != "value_vnd":  # a value stays None where none was known
                now, then = now or 0, then or 0
            row[figure], row[f"compare_{figure}"] = now, then
            unknown = now is None and then is None
            row[f"{figure}_change"] = None if unknown else (now or 0) - (then or 0)
        then_count = row["compare_count"]
        row["change_pct"] = round(row["count_change"] * 100 / then_count, 1) if then_count else None
        rows.append(row)
    return sorted(rows, key=_ordering(conn, by))
