"""Device viewports scaled to fit: the zoom and view size at which a page sees the
preset's exact CSS viewport (a browser floors ``innerWidth``, rounds ``clientWidth``)."""

from __future__ import annotations

import pytest

from console_app.core.devices import PRESETS, custom, fit_zoom

SCALED = [p for p in PRESETS if not p.fills] + [custom(360, 800), custom(1000, 600)]


@pytest.mark.parametrize("device", SCALED, ids=lambda d: d.name)
def test_every_space_gives_the_exact_viewport_a_little_smaller_at_most(device):
    for width in range(240, 1500, 13):
        for height in range(240, 1300, 17):
            largest = min(1.0, width / device.width, height / device.height)
            if largest < 0.26:
                continue  # below Qt's smallest zoom: the view cannot fit at all
            zoom, shown_w, shown_h = fit_zoom(width, height, device)
            assert shown_w <= width and shown_h <= height
            assert 0.25 <= zoom <= 1.0 and zoom >= 0.96 * largest
            if zoom == 1.0:
                assert (shown_w, shown_h) == (device.width, device.height)
                continue
            for css, wanted in ((shown_w / zoom, device.width), (shown_h / zoom, device.height)):
                assert int(css) == wanted and round(css) == wanted, (width, height, zoom, css)


def test_room_enough_is_one_to_one():
    assert fit_zoom(2000, 2000, PRESETS[1]) == (1.0, 390, 844)
