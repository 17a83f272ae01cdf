"""report.html in a real browser: headless Chromium draws the tables and the gallery, without errors.

Chromium (Debian package `chromium`, installed by .ci/run) takes a screenshot; the page's own error
catcher writes any script error or console.error into #page-errors, which `--dump-dom` shows, so no
DevTools protocol is needed. Element positions come from a copy of the page that writes them into the
DOM, and the screenshot is checked there: text and borders where the tables are, green and red card
borders and crop pixels where the gallery is, plain background in the empty margin.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from tiny_pipelines import one_thread  # noqa: F401 - fixture

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="headless Chromium is not installed (.ci/run installs it)")
WIDTH, HEIGHT = 1200, 2000
PASS_GREEN, FAIL_RED = (0x1F, 0x9D, 0x3A), (0xD3, 0x30, 0x2F)
MEASURE = """<script>
window.addEventListener("load", function () {
  var out = {};
  ["summary-table", "evaluators-table", "gallery", "comparability"].forEach(function (id) {
    var r = document.getElementById(id).getBoundingClientRect();
    out[id] = [r.left, r.top, r.right, r.bottom];
  });
  var pre = document.createElement("pre"); pre.id = "layout"; pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
});
</script></body>"""


def chromium(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                           f"--window-size={WIDTH},{HEIGHT}", "--virtual-time-budget=3000", *args],
                          capture_output=True, timeout=120)


def dom(page: Path) -> str:
    result = chromium("--dump-dom", page.as_uri())
    assert result.returncode == 0, result.stderr.decode()[-2000:]
    return result.stdout.decode("utf-8")


def page_errors(html: str) -> str:
    match = re.search(r'<pre id="page-errors">(.*?)</pre>', html, re.S)
    assert match, "the page's error box is missing"
    return match.group(1).strip()


@pytest.fixture(scope="module")
def report(tmp_path_factory, one_thread) -> Path:  # noqa: F811 - the fixture above
    """A COCO-MIG run on one all-red image: the first instance's box is where the tiny detector finds a car
    (IoU 1, every mask pixel red: PASS), the second is a speck nothing matches (FAIL)."""
    from deigcli.main import main
    from evaluation.evaluators import tiny

    base = tmp_path_factory.mktemp("report")
    images = base / "images"
    images.mkdir()
    red = Image.new("RGB", (512, 512), (255, 0, 0))
    red.save(images / "a-red-car_420_139.png")
    found = tiny.grounding_dino().detect(red, ["car"], threshold=0.25, text_threshold=0.25)
    box = [round(v / 512, 6) for v in max(found, key=lambda d: d.score).box]
    bench = base / "mig.json"
    bench.write_text(json.dumps({"139": {"caption": "a red car and a blue car <b>bold</b>", "segment": [
        {"label": "a red car", "bbox": box}, {"label": "a blue car <script>alert(1)</script>",
                                               "bbox": [0.0, 0.0, 0.01, 0.01]}]}}))
    out = base / "run"
    assert main(["eval", "run", "coco-mig", "--bench-file", str(bench), "--images", str(images),
                 "--evaluators", "tiny", "-o", str(out), "--bootstrap", "100", "-q"]) == 0
    records = [json.loads(line) for line in (out / "instances.jsonl").read_text().splitlines()]
    assert [r["ok"] for r in records] == [True, False]
    return out / "report.html"


def test_report_opens_without_errors_and_escapes_text(report):
    html = dom(report)
    assert page_errors(html) == ""
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert html.count('class="card pass"') == 1 and html.count('class="card fail"') == 1
    assert html.count("data:image/jpeg;base64,") == 2 and "http" not in re.sub(r'xmlns="[^"]*"', "", html).split("<body")[1]


def test_the_error_catcher_reports_script_errors(report, tmp_path):
    broken = tmp_path / "broken.html"
    broken.write_text(report.read_text().replace("</body>", "<script>undefinedFunction();</script></body>"))
    assert "undefinedFunction" in page_errors(dom(broken))


def _region(pixels: np.ndarray, box: list[float]) -> np.ndarray:
    left, top, right, bottom = (int(round(v)) for v in box)
    return pixels[max(top, 0):min(bottom, HEIGHT), max(left, 0):min(right, WIDTH)]


def _has_colour(region: np.ndarray, colour: tuple[int, int, int], tolerance: int = 30) -> int:
    return int((np.abs(region.astype(int) - np.array(colour)).max(axis=-1) <= tolerance).sum())


def test_screenshot_draws_tables_and_gallery(report, tmp_path):
    measured = tmp_path / "measured.html"
    measured.write_text(report.read_text().replace("</body>", MEASURE))
    layout = json.loads(re.search(r'<pre id="layout">(.*?)</pre>', dom(measured), re.S).group(1))
    shot = tmp_path / "report.png"
    result = chromium(f"--screenshot={shot}", measured.as_uri())
    assert result.returncode == 0 and shot.is_file(), result.stderr.decode()[-2000:]
    keep = Path(report).parent / "report-screenshot.png"
    shutil.copy(shot, keep)  # kept next to the report for a human to look at
    with Image.open(shot) as image:
        pixels = np.asarray(image.convert("RGB"))
    assert pixels.shape[:2] == (HEIGHT, WIDTH)

    for table in ("summary-table", "evaluators-table"):
        region = _region(pixels, layout[table])
        assert region.size and region.shape[0] > 40 and region.shape[1] > 200, table
        dark = (region.max(axis=-1) < 100).sum()      # text
        assert dark > 200, f"{table}: no text drawn"
        assert _has_colour(region, (0xD6, 0xD6, 0xDC), 8) > 100, f"{table}: no cell borders"

    gallery = _region(pixels, layout["gallery"])
    assert gallery.shape[0] > 190, "the gallery has no height"
    assert _has_colour(gallery, PASS_GREEN) > 500, "no green (pass) card border"
    assert _has_colour(gallery, FAIL_RED, 20) > 500, "no red (fail) card border"
    # the crops themselves: the passing crop is the red image, so pure red pixels fill a crop's area
    assert _has_colour(gallery, (255, 0, 0), 40) > 5000

    banner = _region(pixels, layout["comparability"])
    assert _has_colour(banner, (0xFD, 0xE8, 0xE8), 6) > 1000  # the "not comparable" banner is drawn

    # the empty margin right of the tables is plain page background
    left_edge = int(max(layout["summary-table"][2], layout["evaluators-table"][2])) + 40
    margin = pixels[int(layout["summary-table"][1]):int(layout["evaluators-table"][3]), left_edge:WIDTH - 10]
    assert margin.size and (np.abs(margin.astype(int) - np.array([0xFA, 0xFA, 0xFA])).max() <= 2)
