"""Import LuckyMonaco's SLOT_SPEC spreadsheet (``.xlsx``) or a CSV export of it.

SLOT_SPEC's exact layout is not published, so nothing here relies on positions:

- sheets are found by name, ignoring case and spacing: a sheet whose name contains
  "language" is the language list, one containing "currenc" the currency list; any
  other sheet with an ID column in its header row ("Game ID", "gameid", "ID", ...)
  is a games table;
- the header row is the row, among the first :data:`HEADER_SCAN_ROWS`, that names
  the most known columns (title rows and notes above it are skipped);
- columns are found by name (reordered or extra columns are fine; extra game columns
  are kept in :attr:`Game.extra`); blank rows are ignored; a merged cell's value
  (openpyxl keeps it in the top-left cell) is copied to every cell of the range;
- a language or currency sheet may have a "Supported" column (yes/no, O/X, ✓, ...).

A CSV holds the games table, optionally with "Language"/"Currency" columns (one or
more codes per cell), or a language or currency table on its own.

Everything that could not be used is reported in :class:`ImportReport`; a file that
cannot be read at all (broken, not a workbook, password-protected) raises
:class:`CatalogError` with one line naming the file and the next step.

Every import is bounded whatever the file (:data:`LIMITS`): its size on disk, what
a workbook unpacks to (the zip's declared sizes are checked before anything is
unpacked, and what is actually unpacked is counted too), and the rows, columns and
cells of its sheets, found by a streaming pre-scan of the workbook's XML before
openpyxl builds anything. The first limit reached stops the import with one line
(``catalog import: FILE has 1,048,576 rows; the limit is 20,000``). XML that declares
a DTD or entities is refused: Excel and LibreOffice never write one, and entities
are how "billion laughs" files grow.

openpyxl is imported only when an ``.xlsx`` is read; it parses through defusedxml.

Modules: :mod:`.columns` (the field table and header finding), :mod:`.tables` (tables
of text to a catalog, codes checked), :mod:`.report` (what was read and skipped),
:mod:`.bounds` (the limits and the workbook pre-scan), :mod:`.files` (reading an
``.xlsx`` or a CSV: :func:`read_slot_spec`).
"""

from console_app.core.slot_spec.bounds import LIMITS, ImportLimits, over_limit
from console_app.core.slot_spec.columns import (
    CURRENCY_COLUMNS,
    GAME_COLUMNS,
    HEADER_SCAN_ROWS,
    LANGUAGE_COLUMNS,
    Header,
    Rows,
    clean,
    find_header,
    norm,
)
from console_app.core.slot_spec.files import read_slot_spec
from console_app.core.slot_spec.report import ImportReport, Skipped
from console_app.core.slot_spec.tables import check_currency, check_language, import_tables

__all__ = [
    "CURRENCY_COLUMNS", "GAME_COLUMNS", "HEADER_SCAN_ROWS", "LANGUAGE_COLUMNS", "LIMITS", "Header",
    "ImportLimits", "ImportReport", "Rows", "Skipped", "check_currency", "check_language", "clean",
    "find_header", "import_tables", "norm", "over_limit", "read_slot_spec",
]
