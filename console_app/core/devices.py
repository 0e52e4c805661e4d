"""Device presets for the game view: the CSS viewport a page is laid out in and the
user agent it sees, so a slot game can be shown as on a phone or a tablet.

Pure data (no Qt): the web view scales the viewport to fit the space it has.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from console_app.core.errors import InvalidInputError

_IPHONE_UA = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
              "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1")
_IPAD_UA = ("Mozilla/5.0 (iPad; CPU OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
            "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1")
_ANDROID_UA = ("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 "
               "(KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36")


@dataclass(frozen=True)
class Device:
    """A CSS viewport (``width`` × ``height``; 0 × 0 fills the view) and its user agent
    (None: the browser's own)."""

    name: str
    label: str
    width: int = 0
    height: int = 0
    user_agent: str | None = None

    @property
    def fills(self) -> bool:
        return not (self.width and self.height)

    @property
    def caption(self) -> str:
        """``Phone portrait · 390×844`` (``Desktop · fill``)."""
        return f"{self.label} · fill" if self.fills else f"{self.label} · {self.width}×{self.height}"


DESKTOP = Device("desktop", "Desktop")
PRESETS: tuple[Device, ...] = (
    DESKTOP,
    Device("phone-portrait", "Phone portrait", 390, 844, _IPHONE_UA),
    Device("phone-landscape", "Phone landscape", 844, 390, _IPHONE_UA),
    Device("tablet", "Tablet", 820, 1180, _IPAD_UA),
)
#: Bounds of a custom viewport (CSS pixels).
CUSTOM_MIN, CUSTOM_MAX = 200, 4000
_CUSTOM = re.compile(r"^\s*(\d{2,5})\s*[x×]\s*(\d{2,5})\s*$")


def custom(width: int, height: int) -> Device:
    """A custom viewport; a mobile user agent when it is narrower than a tablet."""
    for name, value in (("width", width), ("height", height)):
        if not CUSTOM_MIN <= value <= CUSTOM_MAX:
            raise InvalidInputError(f"custom device {name} {value} is out of range; use {CUSTOM_MIN} to {CUSTOM_MAX}")
    return Device(f"custom:{width}x{height}", "Custom", width, height, _ANDROID_UA if min(width, height) < 600 else None)


def device_named(name: str) -> Device:
    """The preset called ``name`` or a ``custom:WxH`` / ``WxH`` viewport; one-line error otherwise."""
    for preset in PRESETS:
        if preset.name == name:
            return preset
    match = _CUSTOM.match(name.removeprefix("custom:"))
    if match:
        return custom(int(match.group(1)), int(match.group(2)))
    names = ", ".join(p.name for p in PRESETS)
    raise InvalidInputError(f"unknown device {name!r}; use one of {names} or WIDTHxHEIGHT (e.g. 360x800)")


#: Where in each CSS pixel the scaled view's edges fall: past the pixel's start, so a
#: browser that floors (``innerWidth``) and one that rounds (``clientWidth``) both see
#: the device's width, with room for the zoom factor's round trip through Chromium.
_EDGE_LOW, _EDGE_HIGH = 0.05, 0.45


def fit_zoom(width: float, height: float, device: Device, *, min_zoom: float = 0.25) -> tuple[float, int, int]:
    """The zoom factor and the view's size (device-independent pixels) that show
    ``device`` whole in ``width`` × ``height``, at most at 1:1, and at which the page
    sees exactly the device's CSS viewport (``innerWidth`` 390, not 389 or 391: a
    scaled size is whole pixels, so not every zoom factor gives whole CSS pixels)."""
    best = min(1.0, width / device.width, height / device.height)
    if best >= 1.0:
        return 1.0, device.width, device.height
    best = max(best, min_zoom)
    # Views of the largest size that fits first, then a pixel smaller each time: one
    # whose two sides give whole CSS pixels at one shared zoom factor.
    for shown_h in range(int(device.height * best), max(int(device.height * min_zoom), 1) - 1, -1):
        guess = int(device.width * shown_h / device.height)
        for shown_w in range(guess + 1, max(guess - 2, 0), -1):
            low = max(shown_w / (device.width + _EDGE_HIGH), shown_h / (device.height + _EDGE_HIGH))
            high = min(shown_w / (device.width + _EDGE_LOW), shown_h / (device.height + _EDGE_LOW))
            if low < high and (low + high) / 2 >= min_zoom and shown_w <= width and shown_h <= height:
                return (low + high) / 2, shown_w, shown_h
    return best, round(device.width * best), round(device.height * best)

