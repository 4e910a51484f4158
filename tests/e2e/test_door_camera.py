"""The door with a phone: scan tickets with the camera, keep scanning through a dropped connection.

Chromium's fake camera plays a video file instead of a real camera; each video here shows one ticket's
QR code, drawn by segno as the tickets are. Headless Chromium on Linux has no BarcodeDetector, so the
scans go through the jsQR decoder the app serves.
"""

from __future__ import annotations

import re

import pytest
import segno
from sqlalchemy import text

from tests.e2e import scenes
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, as_user, check_accessibility

WIDTH, HEIGHT = 640, 480


def ticket_video(path, payload: str) -> str:
    """A few frames of a YUV4MPEG2 video (grey picture, neutral colour) showing the QR code of ``payload``."""
    matrix = segno.make(payload, error="m").matrix
    modules = len(matrix) + 8  # a quiet zone of four modules each side
    size = 420 // modules
    left, top = (WIDTH - modules * size) // 2, (HEIGHT - modules * size) // 2
    luma = bytearray(b"\xeb" * (WIDTH * HEIGHT))
    for row, cells in enumerate(matrix):
        for column, dark in enumerate(cells):
            if dark:
                x, y = left + (column + 4) * size, top + (row + 4) * size
                for line in range(y, y + size):
                    luma[line * WIDTH + x:line * WIDTH + x + size] = b"\x10" * size
    chroma = b"\x80" * (WIDTH * HEIGHT // 2)
    frame = b"FRAME\n" + bytes(luma) + chroma
    path.write_bytes(f"YUV4MPEG2 W{WIDTH} H{HEIGHT} F10:1 Ip A1:1\n".encode() + frame * 10)
    return str(path)


@pytest.fixture
def camera_page(browser, live_server, tmp_path):
    """A page in a browser whose camera shows the given ticket code, signed in as the organiser."""
    opened = []

    def open_page(payload: str):
        video = ticket_video(tmp_path / f"ticket-{len(opened)}.y4m", payload)
        camera = browser.browser_type.launch(executable_path=CHROMIUM,
                                             args=CHROMIUM_ARGS + ["--use-fake-device-for-media-stream",
                                                                   "--use-fake-ui-for-media-stream",
                                                                   f"--use-file-for-fake-video-capture={video}"])
        opened.append(camera)
        context = camera.new_context(base_url=live_server["url"], locale="en-GB", permissions=["camera"])
        context.set_default_timeout(20000)
        page = context.new_page()
        as_user(page, scenes.ORGANISER)
        return page

    yield open_page
    for camera in opened:
        camera.close()


def checked_in_at(server_db, token: str):
    with server_db.connect() as conn:
        return conn.execute(text("SELECT checked_in_at FROM registrations WHERE ticket_token = :t"),
                            {"t": token}).scalar_one()


def test_scanning_tickets_with_the_camera_through_a_dropped_connection(camera_page, server_app, server_db,
                                                                      live_server):
    event = scenes.event_in_progress(server_app)
    first, second = event["suppliers"][0], event["suppliers"][1]
    checkin = f"/events/{event['slug']}/check-in"
    feedback = '[data-camera="feedback"]'

    # The ticket's QR code holds the check-in address with the token.
    page = camera_page(f"{live_server['url']}{checkin}/t/{first['ticket']}")
    page.goto(checkin)
    page.get_by_role("button", name="Scan with camera").click()
    page.locator(feedback).get_by_text("Checked in", exact=True).wait_for()
    assert first["name"] in page.locator(feedback).inner_text()
    assert first["organisation"] in page.locator(feedback).inner_text()
    assert "scan-checked_in" in page.locator(feedback).get_attribute("class")
    assert checked_in_at(server_db, first["ticket"]) is not None
    page.locator('[data-count="total"]').filter(has_text=re.compile(r"^1$")).wait_for()
    assert check_accessibility(page, "check-in while scanning") == []

    # The same ticket again: a warning in words, not only in colour.
    page.get_by_role("button", name="Stop camera").click()
    assert page.locator('[data-camera="video"]').is_hidden()
    page.get_by_role("button", name="Scan with camera").click()
    page.locator(feedback).get_by_text(re.compile(r"Already checked in at \d\d:\d\d")).wait_for()
    assert "scan-already" in page.locator(feedback).get_attribute("class")

    # Another phone, whose ticket QR holds the bare token. The page has been opened once online; then
    # the connection drops, the page opens from the service worker's copy and the scan is kept.
    page = camera_page(second["ticket"])
    page.goto(checkin)
    page.evaluate("async () => { await navigator.serviceWorker.ready; }")
    page.reload()
    page.context.set_offline(True)
    page.reload()
    assert page.evaluate("navigator.serviceWorker.controller !== null && !navigator.onLine")
    page.get_by_role("button", name="Scan with camera").click()
    page.locator(feedback).get_by_text(re.compile("No connection")).wait_for()
    page.get_by_text("Scans waiting to be sent: 1").wait_for()
    page.get_by_role("button", name="Stop camera").click()
    assert checked_in_at(server_db, second["ticket"]) is None

    page.context.set_offline(False)
    page.get_by_text(re.compile(r"Sent from this device: Checked in")).wait_for()
    assert page.get_by_text("Scans waiting to be sent").is_hidden()
    assert checked_in_at(server_db, second["ticket"]) is not None
    page.locator('[data-count="total"]').filter(has_text=re.compile(r"^2$")).wait_for()
