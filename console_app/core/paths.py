"""Where the console keeps its files. Every path is injectable: ``--basedir DIR`` or
``LM_CONSOLE_BASEDIR`` put config, data, cache and logs under one folder (tests always
do this, so they never touch real user folders); otherwise platformdirs decides."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from console_app import APP_ID

# Core's callers find it here; the sandbox imports the leaf directly.
from console_app.resources import resources_dir as resources_dir

BASEDIR_ENV = "LM_CONSOLE_BASEDIR"


@dataclass(frozen=True)
class AppPaths:
    """The folders of one console installation (or of one ``--basedir``)."""

    config_dir: Path
    data_dir: Path
    cache_dir: Path
    log_dir: Path

    @classmethod
    def from_basedir(cls, basedir: str | os.PathLike[str]) -> AppPaths:
        base = Path(basedir).expanduser().resolve()
        return cls(base / "config", base / "data", base / "cache", base / "logs")

    @classmethod
    def default(cls) -> AppPaths:
        """``$LM_CONSOLE_BASEDIR`` if set, else the platform's user folders."""
        env = os.environ.get(BASEDIR_ENV)
        if env:
            return cls.from_basedir(env)
        import platformdirs

        return cls(
            Path(platformdirs.user_config_dir(APP_ID, appauthor=False)),
            Path(platformdirs.user_data_dir(APP_ID, appauthor=False)),
            Path(platformdirs.user_cache_dir(APP_ID, appauthor=False)),
            Path(platformdirs.user_log_dir(APP_ID, appauthor=False)),
        )

    @classmethod
    def resolve(cls, basedir: str | os.PathLike[str] | None) -> AppPaths:
        return cls.from_basedir(basedir) if basedir else cls.default()

    def ensure(self) -> AppPaths:
        """Create the folders (owner-only on POSIX) and return self."""
        for folder in (self.config_dir, self.data_dir, self.cache_dir, self.log_dir):
            folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        return self


def write_atomically(path: Path, data: bytes | str, *, mode: int = 0o600) -> None:
    """Write ``data`` to ``path`` so that a crash leaves either the old or the new file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
