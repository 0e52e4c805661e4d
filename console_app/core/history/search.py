"""The query behind :meth:`HistoryStore.search`: exact matches on the indexed IDs, and
free text through the FTS5 trigram index where there is one, else through LIKE."""

from __future__ import annotations

from typing import Any


def search_query(text: str | None, outcome: str | None, profile: str | None, limit: int,
                 *, fts: bool) -> tuple[str, list[Any]]:
    """The SQL and its parameters for one search, newest first (see
    :meth:`HistoryStore.search`); ``fts``: the database has the trigram index."""
    where: list[str] = []
    params: list[Any] = []
    if outcome:
        where.append("outcome = ?")
        params.append(outcome)
    if profile:
        where.append("profile = ?")
        params.append(profile)
    text = (text or "").strip()
    if text:
        exact = "id IN (SELECT id FROM history WHERE " + " OR ".join(
            f"{c} = ?" for c in ("player_id", "session_id", "game_id", "uuid", "error_code")
        ) + ")"
        params_exact = [text] * 5
        if fts and len(text) >= 3:
            # A quoted FTS5 string is a phrase of trigrams: a substring match.
            phrase = '"' + text.replace('"', '""') + '"'
            where.append(f"({exact} OR id IN (SELECT rowid FROM history_fts "
                         "WHERE history_fts MATCH ?))")
            params += params_exact + [phrase]
        else:
            pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            likes = " OR ".join(
                f"{c} LIKE ? ESCAPE '\\'" for c in (
                    "player_id", "session_id", "game_id", "uuid", "error_code",
                    "nickname", "error_message", "request_json", "api_url", "profile")
            )
            where.append(f"({exact} OR {likes})")
            params += params_exact + [pattern] * 10
    sql = "SELECT * FROM history"
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += " ORDER BY id DESC LIMIT ?"
    params.append(int(limit))
    return sql, params
