"""``sim report`` in a real browser: headless Chromium (Debian's ``chromium`` package)
loads report.html and the test asserts on the rendered page.

How: Chromium is started with ``--remote-debugging-pipe`` and driven over the Chrome
DevTools Protocol with the standard library only. The protocol's messages are JSON
terminated by a NUL byte; Chromium reads commands on its file descriptor 3 and writes
replies and events on 4, so the test hands it two OS pipes there. The test opens a
tab, enables the Page, Runtime, Log and Network domains, navigates to the report's
``file://`` URL and waits for the load event. Then:

* ``Runtime.evaluate`` measures the laid-out page: the decision table and every
  section have a non-empty box and are not hidden, and every ``<img>`` has finished
  loading with ``naturalWidth > 0`` (a broken data URI gives 0);
* every ``Runtime.consoleAPICalled`` of type error, ``Runtime.exceptionThrown`` and
  ``Log.entryAdded`` at level error is a console error (the browser's own messages,
  such as a blocked request or a failed image, arrive as ``Log`` entries);
* every ``Network.requestWillBeSent`` is a request: only the page itself (and
  ``data:`` URIs, which are not network requests) may appear.

Skipped when ``chromium`` is absent, except on CI (``CI=true``), where it must run
(``.ci/run`` installs it).
"""

from __future__ import annotations

import fcntl
import json
import os
import queue
import shutil
import subprocess
import threading
import time
from pathlib import Path

import pytest
from conftest import SCENARIOS
from typer.testing import CliRunner

from cli.app import app

CHROMIUM = shutil.which("chromium")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None and os.environ.get("CI", "").lower() not in ("1", "true"),
    reason="chromium is not installed (apt-get install chromium); required on CI")
TIMEOUT = 60.0
SECTIONS = ("options", "decision", "cash", "launches", "bridge", "drivers", "inputs",
            "manifest")
MEASURE = """(() => {
  const box = el => { if (!el) return null; const r = el.getBoundingClientRect();
    const s = getComputedStyle(el);
    return {w: r.width, h: r.height, right: r.right,
            shown: s.display !== 'none' && s.visibility !== 'hidden' && s.opacity !== '0'}; };
  const table = document.getElementById('decision-table');
  return {
    table: box(table),
    rows: table ? table.tBodies[0].rows.length : 0,
    viewport: window.innerWidth,
    sections: Object.fromEntries(__SECTIONS__.map(id => [id, box(document.getElementById(id))])),
    images: [...document.images].map(i => ({alt: i.alt, complete: i.complete,
                                            natural: i.naturalWidth, box: box(i)})),
    missing: document.querySelectorAll('.missing').length,
  };
})()""".replace("__SECTIONS__", json.dumps(SECTIONS))


class DevTools:
    """Chromium driven over ``--remote-debugging-pipe`` (fd 3 in, fd 4 out)."""

    def __init__(self, profile: Path):
        to_browser, self._send_fd = _high_pipe()
        self._recv_fd, from_browser = _high_pipe()

        def child() -> None:   # the browser's ends of the pipes become fds 3 and 4
            os.dup2(to_browser, 3)
            os.dup2(from_browser, 4)

        args = [CHROMIUM, "--headless=new", "--remote-debugging-pipe", "--disable-gpu",
                "--no-first-run", "--no-default-browser-check", "--window-size=1280,1000",
                f"--user-data-dir={profile}", "about:blank"]
        if os.geteuid() == 0:   # Chromium refuses to sandbox as root (CI containers)
            args.insert(1, "--no-sandbox")
        self.proc = subprocess.Popen(args, preexec_fn=child, pass_fds=(3, 4),
                                     stdout=subprocess.DEVNULL,
                                     stderr=open(profile / "stderr.txt", "wb"))
        os.close(to_browser)
        os.close(from_browser)
        self.events: list[dict] = []
        self._replies: queue.Queue = queue.Queue()
        self._next = 0
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        buf = b""
        while chunk := os.read(self._recv_fd, 1 << 16):
            buf += chunk
            *messages, buf = buf.split(b"\0")
            for raw in messages:
                msg = json.loads(raw)
                (self._replies.put if "id" in msg else self.events.append)(msg)

    def send(self, method: str, session: str | None = None, **params) -> dict:
        """Send a command; return its result (raise on a protocol error)."""
        self._next += 1
        msg = {"id": self._next, "method": method, "params": params}
        if session:
            msg["sessionId"] = session
        os.write(self._send_fd, json.dumps(msg).encode() + b"\0")
        while True:
            reply = self._replies.get(timeout=TIMEOUT)
            if reply["id"] == self._next:
                break
        if "error" in reply:
            raise RuntimeError(f"{method}: {reply['error']}")
        return reply.get("result", {})

    def wait_for(self, method: str, session: str) -> None:
        deadline = time.monotonic() + TIMEOUT
        while not any(e.get("method") == method and e.get("sessionId") == session
                      for e in list(self.events)):
            if time.monotonic() > deadline:
                raise TimeoutError(f"no {method} within {TIMEOUT:.0f} s")
            time.sleep(0.05)

    def close(self) -> None:
        try:
            self.send("Browser.close")
        except (RuntimeError, OSError, queue.Empty):
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        os.close(self._send_fd)


def _high_pipe() -> tuple[int, int]:
    """A pipe whose ends are above fd 4, so moving the browser's ends onto 3 and 4 can
    never overwrite one another."""
    r, w = os.pipe()
    hi = [fcntl.fcntl(fd, fcntl.F_DUPFD, 10) for fd in (r, w)]
    os.close(r)
    os.close(w)
    return hi[0], hi[1]


def load_page(url: str, profile: Path) -> tuple[dict, list[dict]]:
    """Open ``url``, wait for its load event and a moment after; return the page's
    measurements and every event the browser sent."""
    browser = DevTools(profile)
    try:
        target = browser.send("Target.createTarget", url="about:blank")["targetId"]
        session = browser.send("Target.attachToTarget", targetId=target,
                               flatten=True)["sessionId"]
        for domain in ("Page", "Runtime", "Log", "Network"):
            browser.send(f"{domain}.enable", session)
        browser.send("Page.navigate", session, url=url)
        browser.wait_for("Page.loadEventFired", session)
        time.sleep(0.5)   # late console messages
        found = browser.send("Runtime.evaluate", session, expression=MEASURE,
                             returnByValue=True)["result"]["value"]
        return found, [e for e in browser.events if e.get("sessionId") == session]
    finally:
        browser.close()


def console_errors(events: list[dict]) -> list[str]:
    out = []
    for e in events:
        p = e.get("params", {})
        if e["method"] == "Runtime.consoleAPICalled" and p["type"] in ("error", "assert"):
            out.append(" ".join(str(a.get("value", a.get("description"))) for a in p["args"]))
        elif e["method"] == "Runtime.exceptionThrown":
            d = p["exceptionDetails"]
            out.append(d.get("exception", {}).get("description") or d.get("text", "exception"))
        elif e["method"] == "Log.entryAdded" and p["entry"]["level"] == "error":
            out.append(p["entry"]["text"])
    return out


def requests(events: list[dict]) -> list[str]:
    return [e["params"]["request"]["url"] for e in events
            if e["method"] == "Network.requestWillBeSent"]


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> tuple[str, dict, list[dict]]:
    if CHROMIUM is None:
        pytest.fail("CI: chromium is required (apt-get install -y chromium)")
    folder = tmp_path_factory.mktemp("browser") / "report"
    result = CliRunner().invoke(app, [
        "report", str(SCENARIOS / "standalone.yaml"), str(SCENARIOS / "foxconn.yaml"),
        "-n", "300", "--tornado-draws", "20", "--sobol", "32", "--out", str(folder), "-q"])
    assert result.exit_code == 0, result.output
    url = (folder / "report.html").resolve().as_uri()
    found, events = load_page(url, tmp_path_factory.mktemp("profile"))
    return url, found, events


def test_decision_table_is_rendered_and_visible(rendered):
    _, found, _ = rendered
    table = found["table"]
    assert table is not None, "no decision table"
    assert table["shown"] and table["w"] > 100 and table["h"] > 50, table
    assert table["right"] <= found["viewport"], "the decision table overflows the window"
    assert found["rows"] == 2   # standalone (the baseline), foxconn


def test_every_section_is_rendered(rendered):
    _, found, _ = rendered
    for name, box in found["sections"].items():
        assert box is not None and box["shown"] and box["h"] > 0, name


def test_every_chart_has_loaded(rendered):
    _, found, _ = rendered
    images = found["images"]
    assert len(images) >= 6   # cash x3, launches, bridge x2, tornado
    for img in images:
        assert img["complete"] and img["natural"] > 0, img["alt"]
        assert img["box"]["shown"] and img["box"]["w"] > 0, img["alt"]
    assert found["missing"] == 0, "a chart was left out"


def test_no_console_errors(rendered):
    _, _, events = rendered
    assert console_errors(events) == []


def test_no_request_but_the_page(rendered):
    url, _, events = rendered
    seen = requests(events)
    assert url in seen   # the log works: it saw the page itself
    assert [u for u in seen if u != url and not u.startswith("data:")] == []
