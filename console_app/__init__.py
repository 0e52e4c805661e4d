"""LuckyMonaco Test Console.

Packages: ``core`` (Qt-free domain, API client, storage), ``sandbox`` (reference
LuckyMonaco server), ``ui`` (PySide6 widgets), ``webengine`` (the only importer of
QtWebEngine), ``cli`` (the ``lm-console`` commands) and ``app`` (composition root).
"""

APP_NAME = "LuckyMonaco Test Console"
APP_ID = "luckymonaco-console"


def __getattr__(name: str) -> str:
    # ``__version__`` is looked up on first use: importlib.metadata costs ~17 ms,
    # which the window would otherwise pay before it first appears.
    if name != "__version__":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib.metadata import PackageNotFoundError, version

    try:
        value = version(APP_ID)
    except PackageNotFoundError:  # a source tree that was never installed
        value = "0.0.0+unknown"
    globals()["__version__"] = value
    return value
