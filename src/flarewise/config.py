"""Settings, declared once with their help text, built from the environment by a function.

Nothing reads the environment at import time: faces call :func:`load_settings` and pass the
result in, so tests and embedders choose their own values.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from flarewise.errors import ConfigError

#: The largest upload (an import or a backup to restore) by default: the largest Apple Health
#: exports seen are around 1 GB.
DEFAULT_MAX_UPLOAD_MB = 2048

#: Every setting: environment variable -> help text.
SETTINGS_HELP: dict[str, str] = {
    "FLAREWISE_HOME": "Folder for the default SQLite journal and exports "
    "(default: the platform's user data folder, e.g. ~/.local/share/flarewise).",
    "FLAREWISE_DATABASE_URL": "Database URL: sqlite:///path/journal.db (default: in "
    "FLAREWISE_HOME) or postgresql+psycopg://user@host:5432/dbname for a shared server.",
    "FLAREWISE_PERSON": "Whose journal the CLI opens (default: me).",
    "FLAREWISE_IMPORT_MAX_UNPACKED_BYTES": "Most bytes one imported archive (an Apple Health "
    "export.zip, an XLSX workbook) may unpack to, all its files together; a larger one is "
    "refused as a possible zip bomb before anything is unpacked (default: 16 GiB for Apple "
    "Health, 1 GiB for a workbook).",
    "FLAREWISE_IMPORT_MAX_ZIP_MEMBERS": "Most files one imported archive may hold (default: "
    "200,000 for Apple Health, whose workout routes are one file each; 10,000 for a workbook).",
    "FLAREWISE_MAX_UPLOAD_MB": "The largest file the web app accepts, in megabytes, for an "
    f"import or a backup to restore (default: {DEFAULT_MAX_UPLOAD_MB}); a larger upload is "
    "refused while it arrives, before it fills the disk.",
    "FLAREWISE_TRUSTED_HOSTS": "Comma-separated host names the web app answers to, e.g. "
    "flarewise.example.org or *.home.arpa (default: the address `serve --host` listens on, "
    "plus localhost and 127.0.0.1); requests naming any other host are refused, so a forged "
    "Host header never reaches a page or a link.",
    "FLAREWISE_UPLOAD_DIR": "Folder where an uploaded file waits until a worker imports it "
    "(default: flarewise-uploads in the system's temporary folder). Every process that serves "
    "the app must read the same folder: on several machines, a shared mount.",
    "FLAREWISE_SHOW_WORKER": "Set to 1 to add an X-Flarewise-Worker header (the serving "
    "process's id) to every answer: for tests and for checking a load balancer, never needed "
    "otherwise.",
}


@dataclass(frozen=True)
class Settings:
    home: Path
    database_url: str
    person: str
    #: None: each reader's own default (see SETTINGS_HELP)
    import_max_unpacked_bytes: int | None = None
    import_max_zip_members: int | None = None
    max_upload_bytes: int = DEFAULT_MAX_UPLOAD_MB * 1024**2
    #: empty: the web face derives them from the address it listens on
    trusted_hosts: tuple[str, ...] = ()
    #: None: flarewise-uploads in the system's temporary folder
    upload_dir: Path | None = None
    show_worker: bool = False


def default_home() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir("flarewise", appauthor=False))


def _megabytes(env: Mapping[str, str], name: str, default: int) -> int:
    text = env.get(name, "").strip()
    if not text:
        return default * 1024**2
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value <= 0:
        raise ConfigError(f"{name}={text!r} is not a whole number of megabytes above 0")
    return value * 1024**2


def _hosts(env: Mapping[str, str], name: str) -> tuple[str, ...]:
    return tuple(h.strip().lower() for h in env.get(name, "").split(",") if h.strip())


def load_settings(env: Mapping[str, str] | None = None) -> Settings:
    env = os.environ if env is None else env
    home_text = env.get("FLAREWISE_HOME", "").strip()
    home = Path(home_text).expanduser() if home_text else default_home()
    url = env.get("FLAREWISE_DATABASE_URL", "").strip() or f"sqlite:///{home / 'journal.db'}"
    person = env.get("FLAREWISE_PERSON", "").strip() or "me"
    if "://" not in url:
        raise ConfigError(
            f"FLAREWISE_DATABASE_URL={url!r} is not a URL; "
            "use sqlite:///path/journal.db or postgresql+psycopg://user@host/dbname"
        )
    return Settings(
        home=home,
        database_url=url,
        person=person,
        import_max_unpacked_bytes=_positive(env, "FLAREWISE_IMPORT_MAX_UNPACKED_BYTES"),
        import_max_zip_members=_positive(env, "FLAREWISE_IMPORT_MAX_ZIP_MEMBERS"),
        max_upload_bytes=_megabytes(env, "FLAREWISE_MAX_UPLOAD_MB", DEFAULT_MAX_UPLOAD_MB),
        trusted_hosts=_hosts(env, "FLAREWISE_TRUSTED_HOSTS"),
        upload_dir=_folder(env, "FLAREWISE_UPLOAD_DIR"),
        show_worker=env.get("FLAREWISE_SHOW_WORKER", "").strip() == "1",
    )


def _folder(env: Mapping[str, str], name: str) -> Path | None:
    text = env.get(name, "").strip()
    return Path(text).expanduser() if text else None


def _positive(env: Mapping[str, str], name: str) -> int | None:
    """A whole number above zero from the environment (``_`` allowed: 17_179_869_184)."""
    text = env.get(name, "").strip()
    if not text:
        return None
    try:
        value = int(text.replace("_", ""))
    except ValueError:
        value = 0
    if value <= 0 or len(text) > 30:
        raise ConfigError(f"{name}={text!r} must be a whole number above zero")
    return value
