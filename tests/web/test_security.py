"""Security at the edge, against real uvicorn servers in personal and clinic mode: a page on another
site cannot reach the app by DNS rebinding (any other Host gets 400, the WebSocket handshake is
refused), every response carries the headers that stop framing and sniffing with a policy allowing
no inline script, there is no server banner, cross-site changes are refused, and personal mode will
not listen beyond this computer."""

from __future__ import annotations

import http.client
import os
import re
import socket
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from backcoach.web.security import SECURITY_HEADERS

pytestmark = pytest.mark.slow

EVIL_HOST = "evil.example"
PAGES = ["/", "/exercises", "/history", "/settings", "/safety", "/docs", "/login", "/privacy", "/about"]


def _request(
    base: str, method: str, path: str, *, host: str | None = None, headers: dict[str, str] | None = None
) -> http.client.HTTPResponse:
    parts = urlsplit(base)
    connection = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=10)
    all_headers = {"Host": host or parts.netloc, **(headers or {})}
    body = b"score=3&moment=before" if method == "POST" else None
    if body:
        all_headers.setdefault("Content-Type", "application/x-www-form-urlencoded")
    connection.request(method, path, body=body, headers=all_headers)
    response = connection.getresponse()
    response.read()
    connection.close()
    return response


def _handshake(base: str, host: str) -> str:
    """The first line of the server's answer to a WebSocket handshake sent with this Host."""
    parts = urlsplit(base)
    with socket.create_connection((parts.hostname, parts.port), timeout=10) as sock:
        sock.sendall(
            (
                "GET /ws/live HTTP/1.1\r\n"
                f"Host: {host}\r\n"
                "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
            ).encode()
        )
        return sock.recv(200).decode("latin-1").split("\r\n")[0]


@pytest.fixture(scope="module")
def personal(start_server: Callable[..., str], answer_screen: Callable[[str], None]) -> str:
    url = start_server()
    answer_screen(url)
    return url


@pytest.fixture(scope="module")
def clinic(start_server: Callable[..., str]) -> str:
    return start_server(
        BACKCOACH_MODE="clinic",
        BACKCOACH_PASSWORD_HASH_TIME_COST="1",
        BACKCOACH_PASSWORD_HASH_MEMORY_KIB="8192",
    )


@pytest.mark.parametrize("mode", ["personal", "clinic"])
def test_dns_rebinding_gets_400_and_changes_nothing(mode: str, request: pytest.FixtureRequest) -> None:
    base: str = request.getfixturevalue(mode)
    evil = {"Origin": f"http://{EVIL_HOST}:{urlsplit(base).port}"}
    for method, path in (("GET", "/api/export"), ("GET", "/"), ("POST", "/api/pain"), ("GET", "/api/health")):
        answer = _request(base, method, path, host=f"{EVIL_HOST}:{urlsplit(base).port}", headers=evil)
        assert answer.status == 400, (method, path)
        assert answer.getheader("x-frame-options") == "DENY"
    assert " 101 " not in _handshake(base, f"{EVIL_HOST}:{urlsplit(base).port}")
    if mode == "personal":
        # the same requests with the server's own name work, and nothing was recorded by the rebound ones
        assert _request(base, "GET", "/api/health").status == 200
        assert (
            _request(base, "GET", "/api/history/pain", host=f"localhost:{urlsplit(base).port}").status == 200
        )


@pytest.mark.parametrize("mode", ["personal", "clinic"])
def test_every_response_stops_framing_and_sniffing_and_has_no_banner(
    mode: str, request: pytest.FixtureRequest
) -> None:
    base: str = request.getfixturevalue(mode)
    for path in [*PAGES, "/api/health", "/api/exercises", "/static/css/app.css", "/no-such-page"]:
        answer = _request(base, "GET", path)
        for header, value in SECURITY_HEADERS.items():
            assert answer.getheader(header) == value, (path, header)
        assert answer.getheader("server") is None, path
        csp = answer.getheader("content-security-policy") or ""
        assert "frame-ancestors 'none'" in csp and "connect-src 'self'" in csp
        assert "'unsafe-inline'" not in csp.split("script-src")[1].split(";")[0]


def test_no_page_has_an_inline_script(personal: str) -> None:
    """The policy allows no inline script, so none may be needed: every script has a src (JSON data
    blocks are not scripts)."""
    import urllib.request

    for path in PAGES:
        with urllib.request.urlopen(personal + path, timeout=10) as response:
            html = response.read().decode()
        for tag in re.findall(r"<script\b[^>]*>", html):
            assert "src=" in tag or 'type="application/json"' in tag, (path, tag)
        assert not re.search(r"\son[a-z]+=\"", html), f"{path} has an inline event handler"


@pytest.mark.parametrize("mode", ["personal", "clinic"])
def test_a_change_from_another_site_is_refused(mode: str, request: pytest.FixtureRequest) -> None:
    base: str = request.getfixturevalue(mode)
    answer = _request(base, "POST", "/api/pain", headers={"Origin": "https://evil.example"})
    assert answer.status == 403


def test_personal_mode_will_not_listen_beyond_this_computer(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BACKCOACH_")}
    env |= {"BACKCOACH_DATA_DIR": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-m", "backcoach", "serve", "--no-open", "--host", "0.0.0.0"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "BACKCOACH_MODE=clinic" in lines[0] and "Traceback" not in done.stderr


@pytest.mark.browser
def test_another_site_cannot_frame_the_app(personal: str, browser: object, tmp_path: Path) -> None:
    """Another site's page puts backcoach's Settings in a frame: the browser refuses to show it, so
    no click there can change the program (the attack found before these headers)."""
    import http.server
    import threading

    page_html = (
        f'<html><body><iframe id="f" src="{personal}/settings" width="800" height="600">'
        "</iframe></body></html>"
    )

    class Evil(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            self.wfile.write(page_html.encode())

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Evil)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        context = browser.new_context()  # type: ignore[attr-defined]
        page = context.new_page()
        blocked: list[str] = []
        page.on("console", lambda message: blocked.append(message.text))
        page.goto(f"http://localhost:{server.server_port}/")
        page.wait_for_timeout(1500)
        frame = next(f for f in page.frames if f != page.main_frame)
        # Chromium shows its own error page instead of backcoach's Settings
        assert "program" not in (frame.content() or "").lower()
        assert frame.url.startswith("chrome-error://") or any("frame" in m.lower() for m in blocked)
        context.close()
    finally:
        server.shutdown()
