"""What an import read, skipped and noticed."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Skipped:
    """A row that was not imported, and why (``row`` is 1-based, as a spreadsheet shows it)."""

    sheet: str
    row: int
    reason: str

    def __str__(self) -> str:
        return f"{self.sheet.strip()!r} row {self.row}: {self.reason}"


@dataclass
class ImportReport:
    """What an import read, skipped and noticed."""

    file: str
    games_read: int = 0
    languages_read: int = 0
    currencies_read: int = 0
    skipped: list[Skipped] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    #: Which sheet each part came from, e.g. {"games": ["Games"], "languages": [...]}.
    sheets: dict[str, list[str]] = field(default_factory=dict)

    def skip(self, sheet: str, row: int, reason: str) -> None:
        self.skipped.append(Skipped(sheet, row, reason))

    def summary(self) -> str:
        """Readable lines for the CLI and the import dialog."""
        lines = [
            f"read {self.games_read} games, {self.languages_read} languages, "
            f"{self.currencies_read} currencies from {self.file}"
        ]
        for part, names in self.sheets.items():
            lines.append(f"  {part}: {', '.join(repr(n) for n in names)}")
        if self.skipped:
            lines.append(f"skipped {len(self.skipped)} rows:")
            lines += [f"  {item}" for item in self.skipped]
        if self.warnings:
            lines.append("warnings:")
            lines += [f"  {text}" for text in self.warnings]
        return "\n".join(lines)
