"""The local LuckyMonaco sandbox: a Qt-free, stdlib-only reference server of the
partner API with a demo game, used by the app (no credentials needed) and by tests.

- ``server``: :class:`~console_app.sandbox.server.SandboxServer`, ``Fault``,
  ``RecordedRequest`` and the demo credentials (the public API of this package);
  it routes each request to ``api`` (the ``/api`` endpoints and their faults),
  ``control`` (``/_sandbox``, local tools only) or ``site`` (the demo game's pages),
  all built on ``transport`` (the HTTP server and the handler base).
- ``codes``: the G/V error codes it answers with, as data.
- ``validation``: the request checks, naming the field of each problem.
- ``faults``: fault kinds and the thread-safe fault queue.
- ``game``: catalog, sessions, spins and rounds (``tx-demo-...`` rounds always exist).
- ``pages``: the demo game, snapshot and "session expired" pages, and game icons.

Nothing is imported here, so ``import console_app.sandbox`` costs nothing.
"""
