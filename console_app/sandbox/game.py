"""The sandbox's in-memory world: its game catalog, game sessions, spins and rounds.

A spin is a 5-reel, 3-row slot with 5 paylines (the three rows and two V shapes);
three or more equal symbols from the left pay, ``wild`` stands in for any symbol.
Each spin is a round with a transaction ID (``tx-...``) that the snapshot call finds.

Transaction IDs of the form ``tx-demo-<letters, digits, _ or ->`` always exist: their
round is derived from the ID itself (same ID, same round), so tests and support demos
can call the snapshot endpoint without playing first.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
import secrets
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from console_app.resources import resources_dir

#: Symbols, weight on a reel, and pay (x line bet) for 3, 4 and 5 in a row.
SYMBOLS: dict[str, tuple[int, tuple[int, int, int]]] = {
    "cherry": (18, (2, 5, 10)),
    "lemon": (18, (2, 5, 10)),
    "bell": (14, (4, 10, 25)),
    "bar": (12, (5, 15, 40)),
    "star": (10, (6, 20, 50)),
    "diamond": (8, (10, 30, 100)),
    "crown": (6, (15, 50, 200)),
    "seven": (4, (25, 100, 500)),
    "wild": (3, (50, 200, 1000)),
}
WILD = "wild"
REELS, ROWS = 5, 3
#: Row index on each reel, per payline.
PAYLINES: tuple[tuple[int, ...], ...] = (
    (1, 1, 1, 1, 1),
    (0, 0, 0, 0, 0),
    (2, 2, 2, 2, 2),
    (0, 1, 2, 1, 0),
    (2, 1, 0, 1, 2),
)

# One unit of these currencies is worth little, so bets and balances are scaled to
# look like what a player of that currency would see.
_CURRENCY_SCALE = {"JPY": 100, "KRW": 1000, "CNY": 5, "THB": 30, "IDR": 10000, "IDX": 10,
                   "VND": 20000, "PHP": 50, "INR": 80, "TWD": 30, "HKD": 8}
_BET_STEPS = (0.2, 0.5, 1, 2, 5, 10)
_START_BALANCE = 1000
#: Live game sessions kept, and the text they may hold in all (a nickname can be ~1 MB).
MAX_SESSIONS = 1000
MAX_SESSION_BYTES = 16 * 1024 * 1024

DEMO_TX_RE = re.compile(r"tx-demo-[A-Za-z0-9_-]{1,64}")


def load_catalog_games() -> dict[str, str]:
    """Game ID -> name for the slot games of the bundled sample catalog."""
    data = json.loads((resources_dir() / "sample_catalog.json").read_text("utf-8"))
    return {g["id"]: g["name"] for g in data["games"] if g.get("type", "slot") == "slot"}


def bet_steps(currency: str) -> list[float]:
    """The bets a player of ``currency`` can choose, smallest first."""
    scale = _CURRENCY_SCALE.get(currency, 1)
    return [round(step * scale, 2) for step in _BET_STEPS]


def start_balance(currency: str) -> float:
    return float(_START_BALANCE * _CURRENCY_SCALE.get(currency, 1))


@dataclass
class GameSession:
    """One ENTER's game session, found by its player token."""

    game_id: str
    game_name: str
    player_id: str
    nickname: str
    language: str
    currency: str
    session_id: str
    ip: str
    created: float
    balance: float
    rounds: list[str] = field(default_factory=list)


def _size(session: GameSession) -> int:
    """The text a session holds (what a hostile request can make large)."""
    return sum(len(text) for text in (session.player_id, session.nickname, session.session_id, session.ip,
                                      session.language, session.currency))


@dataclass(frozen=True)
class LineWin:
    line: int
    symbol: str
    count: int
    amount: float
    cells: tuple[tuple[int, int], ...]  # (reel, row)


@dataclass(frozen=True)
class Round:
    """One spin's outcome, as the game page shows it and the snapshot page replays it."""

    transaction_id: str
    game_id: str
    game_name: str
    nickname: str
    language: str
    currency: str
    bet: float
    win: float
    balance_after: float
    reels: tuple[tuple[str, ...], ...]  # reels[reel][row]
    wins: tuple[LineWin, ...]
    time: float

    def to_json(self) -> dict[str, Any]:
        return {
            "transaction_id": self.transaction_id,
            "bet": self.bet,
            "win": self.win,
            "balance": self.balance_after,
            "reels": [list(reel) for reel in self.reels],
            "wins": [{"line": w.line, "symbol": w.symbol, "count": w.count, "amount": w.amount,
                      "cells": [list(c) for c in w.cells]} for w in self.wins],
        }


def spin_reels(rng: random.Random) -> tuple[tuple[str, ...], ...]:
    names = list(SYMBOLS)
    weights = [SYMBOLS[n][0] for n in names]
    return tuple(tuple(rng.choices(names, weights, k=ROWS)) for _ in range(REELS))


def line_wins(reels: tuple[tuple[str, ...], ...], bet: float) -> tuple[LineWin, ...]:
    """Every paying line of ``reels`` for a total ``bet`` spread over the paylines."""
    line_bet = bet / len(PAYLINES)
    wins = []
    for index, rows in enumerate(PAYLINES):
        cells = [(reel, rows[reel]) for reel in range(REELS)]
        symbols = [reels[reel][row] for reel, row in cells]
        # The paying symbol is the first non-wild one (all wilds pay as wild).
        target = next((s for s in symbols if s != WILD), WILD)
        count = 0
        for symbol in symbols:
            if symbol not in (target, WILD):
                break
            count += 1
        if count >= 3:
            amount = round(line_bet * SYMBOLS[target][1][count - 3], 2)
            wins.append(LineWin(index, target, count, amount, tuple(cells[:count])))
    return tuple(wins)


class SandboxWorld:
    """Catalog, sessions, rounds and snapshot links of one sandbox. Thread-safe."""

    def __init__(self, games: Mapping[str, str] | None = None, session_ttl: float = 7200.0) -> None:
        self.games: dict[str, str] = load_catalog_games()
        self.games.update(games or {})
        self.session_ttl = session_ttl
        self._lock = threading.Lock()
        self._sessions: dict[str, GameSession] = {}  # oldest first
        self._session_bytes = 0
        self._rounds: dict[str, Round] = {}
        self._snapshots: dict[str, tuple[str, float]] = {}  # token -> (transaction, created)
        self._used_uuids: set[str] = set()
        self._rng = random.Random()

    # -- sessions ---------------------------------------------------------------------
    def claim_uuid(self, request_uuid: str) -> bool:
        """Mark ``request_uuid`` used; False if an earlier request already used it."""
        with self._lock:
            if request_uuid in self._used_uuids:
                return False
            self._used_uuids.add(request_uuid)
            return True

    def open_session(self, *, game_id: str, player_id: str, nickname: str, language: str,
                     currency: str, session_id: str, ip: str) -> str:
        """Create a game session and return its new player token."""
        token = secrets.token_urlsafe(24)
        session = GameSession(game_id, self.games[game_id], player_id, nickname, language,
                              currency, session_id, ip, time.time(), start_balance(currency))
        with self._lock:
            self._sessions[token] = session
            self._session_bytes += _size(session)
            # Bounded like the request log: the oldest sessions go first (their game
            # pages then say the session is unknown), so a flood of big requests
            # cannot grow the sandbox without end.
            while len(self._sessions) > MAX_SESSIONS or self._session_bytes > MAX_SESSION_BYTES:
                oldest = next(iter(self._sessions))
                self._session_bytes -= _size(self._sessions.pop(oldest))
        return token

    def session(self, token: str) -> tuple[GameSession | None, bool]:
        """(session, expired): the session of ``token`` if it exists, and whether it
        is past its time to live (an expired session is still returned, for its
        language)."""
        with self._lock:
            session = self._sessions.get(token)
        if session is None:
            return None, False
        return session, time.time() - session.created > self.session_ttl

    def spin(self, token: str, bet: float) -> Round:
        """Play one round of the session of ``token``. LookupError: no such live
        session; ValueError(``"invalid_bet"`` or ``"insufficient_balance"``): not this bet."""
        with self._lock:
            session = self._sessions.get(token)
            if session is None or time.time() - session.created > self.session_ttl:
                raise LookupError("session expired")
            if bet not in bet_steps(session.currency):
                raise ValueError("invalid_bet")
            if bet > session.balance + 1e-9:
                raise ValueError("insufficient_balance")
            reels = spin_reels(self._rng)
            wins = line_wins(reels, bet)
            win = round(sum(w.amount for w in wins), 2)
            session.balance = round(session.balance - bet + win, 2)
            tx = "tx-" + secrets.token_hex(10)
            result = Round(tx, session.game_id, session.game_name, session.nickname,
                           session.language, session.currency, bet, win, session.balance,
                           reels, wins, time.time())
            self._rounds[tx] = result
            session.rounds.append(tx)
            return result

    # -- rounds and snapshots ---------------------------------------------------------
    def find_round(self, transaction_id: str) -> Round | None:
        with self._lock:
            found = self._rounds.get(transaction_id)
        if found is None and DEMO_TX_RE.fullmatch(transaction_id):
            found = self._demo_round(transaction_id)
        return found

    def _demo_round(self, transaction_id: str) -> Round:
        seed = int.from_bytes(hashlib.sha256(transaction_id.encode()).digest()[:8], "big")
        rng = random.Random(seed)
        game_id = sorted(self.games)[seed % len(self.games)]
        bet = 1.0
        reels = spin_reels(rng)
        wins = line_wins(reels, bet)
        win = round(sum(w.amount for w in wins), 2)
        # A fixed moment so the same ID always shows the same page.
        when = 1_767_225_600 + seed % 31_536_000
        return Round(transaction_id, game_id, self.games[game_id], "demo-player", "en", "USD",
                     bet, win, start_balance("USD") - bet + win, reels, wins, float(when))

    def open_snapshot(self, transaction_id: str) -> str:
        """A new token for the snapshot page of ``transaction_id``."""
        token = secrets.token_urlsafe(24)
        with self._lock:
            self._snapshots[token] = (transaction_id, time.time())
        return token

    def snapshot(self, token: str) -> Round | None:
        with self._lock:
            entry = self._snapshots.get(token)
        if entry is None or time.time() - entry[1] > self.session_ttl:
            return None
        return self.find_round(entry[0])
