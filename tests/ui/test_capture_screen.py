"""The capture screen's live camera through the real QML: a simulated camera (FileCamera, the
driver the demo profile uses) shows a rendered document scene, the real pipeline finds,
gates and auto-captures it, and the screen shows the preview, the outline, the translated
guidance, thumbnails; retake replaces a page; the preview stops off the screen and is wiped
with the session."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QPointF, QSize
from PySide6.QtGui import QColor

from kiosk.capture.scene import desk, render_scene
from kiosk.demo import simulated_card
from kiosk.devices.camera import FileCamera
from kiosk.journey import State
from kiosk.messages import translate
from kiosk.ui.driver import find_item
from kiosk.ui.models.capture import CameraImageProvider
from tests.ui.harness import Ui, open_ui

ITEM = "44030400SC-XK-0001"  # 公司设立登记: application_form (A4, 1-3 pages) comes first
FORM = [{"company_name": "深圳市福田区晨曦科技有限公司", "company_type": "llc",
         "registered_capital": "100", "business_address": "广东省深圳市福田区福华三路100号",
         "business_scope": "软件开发"},
        {"contact_phone": "13912345678"}]


@pytest.fixture
def cam_ui(qapp: object, tmp_path: Path) -> Iterator[tuple[Ui, FileCamera]]:
    camera = FileCamera(fps=15)
    camera.show_image(desk())  # an empty desk until a test puts a sheet down
    camera.start()
    ui = open_ui(qapp, tmp_path)
    ui.window.attach_camera(camera, camera)
    ui.window.capture.demo_feed = False  # the tests are the citizen's hands
    try:
        yield ui, camera
    finally:
        ui.close()
        camera.stop()


def _to_capture(ui: Ui, lang: str = "en") -> None:
    j = ui.journey
    j.start()
    j.choose_language(lang)  # type: ignore[arg-type]
    j.choose_apply()
    assert j.select_item(ITEM) is None
    assert j.begin_application() is None
    assert j.identify(simulated_card("resident")) is None
    for values in FORM:
        current = dict(j.view().form_values)
        current.update(values)
        assert j.submit_page(current) == {}
    assert j.state is State.CAPTURE
    ui.driver.settle()


def _pages(ui: Ui) -> int:
    view = ui.journey.view()
    return view.materials[view.material_index].pages


def test_a_page_under_the_camera_is_outlined_and_auto_captured(
        cam_ui: tuple[Ui, FileCamera], qtbot: object) -> None:
    ui, camera = cam_ui
    capture = ui.window.capture
    assert not capture.running  # the camera runs only on the capture screen
    _to_capture(ui)
    assert capture.running
    qtbot.waitUntil(lambda: capture.frameUrl != "", timeout=20000)  # type: ignore[attr-defined]
    ui.driver.settle()
    assert capture.guidanceKey == "capture.no_page" and capture.outline == []  # the empty desk
    assert ui.driver.item("guidance").property("text") == translate("capture.no_page", "en")
    assert ui.driver.item("cameraPreview").property("source").toString().startswith("image://camera/")

    scene = render_scene("a4", page=1)
    camera.show_image(scene.image)
    ring = find_item(ui.window.root, "progressRing", visible=False)
    assert ring is not None
    # while the page holds still the ring fills (auto-capture needs 8 steady frames)
    qtbot.waitUntil(lambda: ring.isVisible() and 0 < capture.progress < 1,  # type: ignore[attr-defined]
                    timeout=30000)
    assert capture.guidanceKey in ("capture.hold_still", "capture.ready") and _pages(ui) == 0
    qtbot.waitUntil(lambda: _pages(ui) == 1, timeout=30000)  # type: ignore[attr-defined]
    ui.driver.settle()
    # one page in the journey, one thumbnail on screen, no manual tap involved
    assert len(ui.session.material["thumbnails"]) == 1
    assert ui.driver.item("thumb_0").property("implicitWidth") > 0  # the thumbnail loaded
    qtbot.waitUntil(lambda: len(capture.outline) == 8, timeout=10000)  # type: ignore[attr-defined]
    outline = find_item(ui.window.root, "outline")
    assert outline is not None and outline.isVisible()
    # the outline sits where the page is: the scene's corners, scaled to the preview
    w, h = scene.image.shape[1], scene.image.shape[0]
    expected = [v for x, y in scene.corners for v in (x / w, y / h)]
    assert max(abs(a - b) for a, b in zip(capture.outline, expected, strict=True)) < 0.01
    # and it is drawn: the polygon's stroke colour at its top-left corner on the grabbed frame
    frame = ui.window.grab()
    corner = outline.mapToScene(QPointF(capture.outline[0] * outline.width(),
                                        capture.outline[1] * outline.height())).toPoint()
    colour = QColor(frame.pixel(corner))
    assert colour.green() > 120 and colour.green() > colour.blue() + 40  # green (or amber) stroke
    # the same sheet lying there is not taken twice
    assert capture.guidanceKey == "capture.captured"
    assert ui.driver.item("guidance").property("text") == translate("capture.captured", "en")


def test_guidance_is_translated_and_a_blurred_page_is_not_captured(
        cam_ui: tuple[Ui, FileCamera], qtbot: object) -> None:
    ui, camera = cam_ui
    capture = ui.window.capture
    _to_capture(ui, "zh-Hant")
    camera.show_image(render_scene("a4", page=1, blur_sigma=3.5).image)
    qtbot.waitUntil(lambda: capture.guidanceKey == "capture.blurry", timeout=30000)  # type: ignore[attr-defined]
    frames = capture.worker.frames  # type: ignore[union-attr]
    qtbot.waitUntil(lambda: capture.worker.frames >= frames + 12, timeout=30000)  # type: ignore[attr-defined, union-attr]
    ui.driver.settle()
    assert _pages(ui) == 0 and ui.session.material["thumbnails"] == []
    assert ui.driver.item("guidance").property("text") == translate("capture.blurry", "zh-Hant")
    assert capture.guidanceKey == "capture.blurry"
    ring = find_item(ui.window.root, "progressRing", visible=False)
    assert ring is not None and not ring.isVisible()  # no auto-capture countdown on a bad page


def test_manual_shutter_and_retake_replaces_the_page(
        cam_ui: tuple[Ui, FileCamera], qtbot: object) -> None:
    ui, camera = cam_ui
    capture = ui.window.capture
    _to_capture(ui)
    camera.show_image(render_scene("a4", page=1, pose=0).image)
    qtbot.waitUntil(lambda: _pages(ui) == 1, timeout=30000)  # type: ignore[attr-defined]
    # "Capture page": the manual shutter keeps the next frame with a page, even the same sheet
    ui.driver.tap("capturePage")
    qtbot.waitUntil(lambda: _pages(ui) == 2, timeout=30000)  # type: ignore[attr-defined]
    ui.driver.settle()
    first = bytes(ui.journey._session.captures.buffers()[0])
    generation = ui.session.previews.generation

    ui.driver.tap("retake_0")
    assert capture.retakeIndex == 0 and ui.driver.item("retakeBanner").isVisible()
    camera.show_image(render_scene("a4", page=3, pose=1).image)  # a different sheet
    qtbot.waitUntil(lambda: capture.retakeIndex < 0, timeout=30000)  # type: ignore[attr-defined]
    ui.driver.settle()
    assert _pages(ui) == 2  # replaced, not added
    assert ui.session.previews.generation != generation
    assert bytes(ui.journey._session.captures.buffers()[0]) != first
    banner = find_item(ui.window.root, "retakeBanner", visible=False)
    assert banner is not None and not banner.isVisible()


def test_preview_runs_only_on_the_capture_screen_and_is_wiped(
        cam_ui: tuple[Ui, FileCamera], qtbot: object) -> None:
    ui, camera = cam_ui
    capture = ui.window.capture
    _to_capture(ui)
    camera.show_image(render_scene("id_card", page=1).image)
    qtbot.waitUntil(lambda: len(capture.outline) == 8 and capture.frameUrl != "",  # type: ignore[attr-defined]
                    timeout=30000)
    assert ui.session.previews.live_image() is not None
    ui.driver.tap("backButton")  # back to the form: the camera stops, the preview goes
    assert ui.journey.state is State.FORM
    assert not capture.running
    assert capture.frameUrl == "" and capture.outline == [] and capture.guidance == ""
    assert ui.session.previews.live_image() is None
    frames = capture.worker.frames  # type: ignore[union-attr]
    QCoreApplication.processEvents()
    assert capture.worker.frames == frames  # type: ignore[union-attr]

    assert ui.journey.submit_page(dict(ui.journey.view().form_values)) == {}  # forward again
    ui.driver.settle()
    assert ui.journey.state is State.CAPTURE and capture.running
    qtbot.waitUntil(lambda: capture.frameUrl != "", timeout=30000)  # type: ignore[attr-defined]
    ui.driver.perform("wait", {"seconds": 200})  # the citizen walks away: idle wipe
    assert ui.journey.state is State.ATTRACT
    QCoreApplication.processEvents()
    assert not capture.running and capture.frameUrl == "" and capture.outline == []
    assert ui.session.previews.live_image() is None and len(ui.session.previews) == 0
    # a late request for the old frame URL gets a black frame, never the old pixels
    old = CameraImageProvider(ui.session.previews).requestImage("1", QSize(), QSize())
    assert {old.pixelColor(x, y).name() for x in range(old.width()) for y in range(old.height())} \
        == {"#000000"}


def test_a_sheet_taken_for_one_material_is_not_taken_again_for_the_next(
        cam_ui: tuple[Ui, FileCamera], qtbot: object) -> None:
    ui, camera = cam_ui
    capture = ui.window.capture
    _to_capture(ui)
    for page in (1, 2):  # the application form needs two pages
        camera.show_image(render_scene("a4", page=page, pose=page).image)
        qtbot.waitUntil(lambda p=page: _pages(ui) == p, timeout=30000)  # type: ignore[attr-defined]
    ui.driver.tap("finishMaterial")  # the second sheet still lies under the camera
    assert ui.session.material["id"] == "articles"
    qtbot.waitUntil(lambda: capture.guidanceKey == "capture.take_away", timeout=30000)  # type: ignore[attr-defined]
    frames = capture.frames_since_change
    qtbot.waitUntil(lambda: capture.frames_since_change >= frames + 12, timeout=30000)  # type: ignore[attr-defined]
    ui.driver.settle()
    assert _pages(ui) == 0 and capture.guidanceKey == "capture.take_away"
    assert ui.driver.item("guidance").property("text") == translate("capture.take_away", "en")
    camera.show_image(render_scene("a4", page=1, pose=3).image)  # the articles' first page
    qtbot.waitUntil(lambda: _pages(ui) == 1, timeout=30000)  # type: ignore[attr-defined]
    assert ui.session.material["id"] == "articles"


def test_demo_the_simulated_citizen_places_the_pages_the_screen_waits_for(
        cam_ui: tuple[Ui, FileCamera], qtbot: object) -> None:
    """The interactive demo: with the feed on, the simulated camera shows a document scene
    whenever the capture screen waits for a required page, and the real pipeline takes it."""
    ui, _camera = cam_ui
    capture = ui.window.capture
    capture.demo_feed = True
    _to_capture(ui)
    needed = ui.session.material["minPages"]
    assert needed == 2
    qtbot.waitUntil(lambda: _pages(ui) == needed, timeout=60000)  # type: ignore[attr-defined]
    # enough pages: the sheet is taken away, the desk stays empty, nothing more is captured
    qtbot.waitUntil(lambda: capture.guidanceKey == "capture.no_page", timeout=30000)  # type: ignore[attr-defined]
    frames = capture.frames_since_change
    qtbot.waitUntil(lambda: capture.frames_since_change >= frames + 8, timeout=30000)  # type: ignore[attr-defined]
    assert _pages(ui) == needed
    # "Capture page" over the empty desk: the simulated citizen puts the next sheet down
    ui.driver.tap("capturePage")
    qtbot.waitUntil(lambda: _pages(ui) == needed + 1, timeout=30000)  # type: ignore[attr-defined]


def test_an_unplugged_camera_is_said_on_the_screen(
        cam_ui: tuple[Ui, FileCamera], qtbot: object) -> None:
    ui, camera = cam_ui
    capture = ui.window.capture
    _to_capture(ui, "zh-Hans")
    qtbot.waitUntil(lambda: capture.frameUrl != "", timeout=30000)  # type: ignore[attr-defined]
    camera.stop_frames()  # a simulated unplug: no frame comes any more
    qtbot.waitUntil(lambda: capture.guidanceKey == "device.camera.offline",  # type: ignore[attr-defined]
                    timeout=30000)
    ui.driver.settle()
    assert ui.driver.item("guidance").property("text") == translate("device.camera.offline", "zh-Hans")
    assert capture.frameUrl == "" and capture.outline == []  # no stale frame stays up
    camera.resume()
    qtbot.waitUntil(lambda: capture.guidanceKey == "capture.no_page", timeout=30000)  # type: ignore[attr-defined]
