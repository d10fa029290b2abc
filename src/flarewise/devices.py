"""Sessions as a person sees them on the account page: when each began and was last used, and
which browser on which system, in words, so they can tell their phone from a stranger's laptop
and end the one they do not recognise.

The browser's own User-Agent string is kept (cut to 200 characters) only to be described here;
it is never shown raw, because it is long, cryptic and partly invented by browsers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

#: (pattern in the User-Agent, name), most specific first: Edge and Opera also say "Chrome",
#: Chrome also says "Safari".
_BROWSERS = (
    (r"Edg(e|A|iOS)?/", "Edge"),
    (r"OPR/|Opera", "Opera"),
    (r"Firefox/|FxiOS/", "Firefox"),
    (r"HeadlessChrome/", "Chrome (automated)"),
    (r"Chrome/|CriOS/|Chromium/", "Chrome"),
    (r"Safari/", "Safari"),
    (r"^curl/", "curl"),
    (r"python-httpx|python-requests|testclient", "a script"),
)
_SYSTEMS = (
    (r"iPhone|iPad|iPod", "iOS"),
    (r"Android", "Android"),
    (r"Windows", "Windows"),
    (r"Mac OS X|Macintosh", "macOS"),
    (r"CrOS", "ChromeOS"),
    (r"Linux", "Linux"),
)


def describe(user_agent: str | None) -> str:
    """``Firefox on Windows``, ``Safari on iOS``... or ``an unknown browser``."""
    if not user_agent:
        return "an unknown browser"
    browser = next((n for p, n in _BROWSERS if re.search(p, user_agent)), "a browser")
    system = next((n for p, n in _SYSTEMS if re.search(p, user_agent)), None)
    return browser if system is None else f"{browser} on {system}"


@dataclass(frozen=True)
class SessionInfo:
    """One live session of a person."""

    #: enough of the session's stored hash to name it in a revoke request (never the token)
    ref: str
    created: datetime
    last_seen: datetime | None
    client: str
    this_device: bool
