from __future__ import annotations

import pytest

from kiosk.ui.theme import MIN_TOUCH_MM, Theme, touch_px


@pytest.mark.parametrize(("dpi", "px"), [(96.0, 76), (160.0, 126), (300.0, 236)])
def test_touch_target_is_20_mm_at_the_screen_dpi(dpi: float, px: int) -> None:
    assert touch_px(dpi) == px
    assert touch_px(dpi) / dpi * 25.4 >= MIN_TOUCH_MM - 0.5


@pytest.mark.parametrize("dpi", [None, 0.0, 10.0, 5000.0])
def test_implausible_dpi_falls_back_to_96(dpi: float | None) -> None:
    assert touch_px(dpi) == touch_px(96.0)


def test_care_mode_is_larger_and_high_contrast() -> None:
    theme = Theme(dpi=96.0)
    normal = (theme.fontBody, theme.fontTitle, theme.minTouch, theme.text.name(), theme.borderWidth)
    theme.careMode = True
    assert theme.fontBody > normal[0] and theme.fontTitle > normal[1]
    assert theme.minTouch >= normal[2] >= touch_px(96.0)
    assert theme.text.name() == "#000000" and theme.borderWidth > normal[4]
    theme.careMode = False
    assert (theme.fontBody, theme.minTouch) == (normal[0], normal[2])
