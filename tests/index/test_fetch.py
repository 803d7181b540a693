"""URL ingestion: http(s) only, public addresses only (also via DNS and redirects), bounded."""

import http.server
import threading

import pytest

from index import fetch as fetch_module
from index.articles import IngestError, load_source
from index.fetch import check_url, fetch

PAGE = (b"<html><head><title>Generators for Kherson</title></head><body><article>"
        b"<h1>Generators for Kherson</h1><p>Austria sent 25 generators to Kherson hospitals "
        b"in October, the regional administration said.</p></article></body></html>")


class Handler(http.server.BaseHTTPRequestHandler):
    requests: list[str] = []

    def log_message(self, *args):
        pass

    def do_GET(self):
        Handler.requests.append(self.path)
        if self.path == "/article.html":
            self.reply(200, PAGE, "text/html; charset=utf-8")
        elif self.path == "/to-private":
            self.send_response(302)
            self.send_header("Location", "http://10.0.0.1/secret")
            self.end_headers()
        elif self.path == "/huge":
            self.reply(200, b"x" * 300_000, "text/plain")
        elif self.path == "/slow":
            threading.Event().wait(3)
            self.reply(200, b"late", "text/plain")
        else:
            self.reply(404, b"no", "text/plain")

    def reply(self, status, body, content_type):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def server():
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.mark.parametrize("url", [
    "http://127.0.0.1/x", "http://localhost/x", "http://[::1]/x", "http://10.1.2.3/x",
    "http://192.168.0.10/x", "http://172.16.5.4/x", "http://169.254.169.254/latest/meta-data",
    "http://[::ffff:127.0.0.1]/x", "http://0.0.0.0/x",
])
def test_private_and_local_addresses_are_refused(url):
    with pytest.raises(IngestError, match="private or local address"):
        check_url(url, allow_private=False)


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.org/a", "gopher://x/"])
def test_only_http_and_https(url):
    with pytest.raises(IngestError, match="only http and https"):
        check_url(url, allow_private=True)


def test_article_from_a_url(server):
    article = load_source(f"{server}/article.html", allow_private_urls=True)
    assert article.title == "Generators for Kherson"
    assert "25 generators" in article.text
    assert article.source == f"{server}/article.html"


def test_redirect_to_a_private_address_is_refused(server, monkeypatch):
    real = fetch_module.public_address
    test_port = int(server.rsplit(":", 1)[1])

    def only_the_test_server_is_public(host: str, port: int) -> str:
        return host if (host, port) == ("127.0.0.1", test_port) else real(host, port)

    monkeypatch.setattr(fetch_module, "public_address", only_the_test_server_is_public)
    Handler.requests.clear()
    with pytest.raises(IngestError, match=r"private or local address \(10\.0\.0\.1\)"):
        fetch(f"{server}/to-private", max_bytes=1_000_000)
    assert Handler.requests == ["/to-private"]


def test_a_name_that_turns_private_after_the_check_is_not_connected_to(server, monkeypatch):
    """DNS rebinding: the name resolves to a public address when checked, then to loopback."""
    real = fetch_module.socket.getaddrinfo
    answers = iter(["93.184.216.34"])

    def rebinding(host, port, *args, **kwargs):
        if host != "rebind.example":
            return real(host, port, *args, **kwargs)
        address = next(answers, "127.0.0.1")
        return [(fetch_module.socket.AF_INET, fetch_module.socket.SOCK_STREAM, 6, "",
                 (address, port))]

    monkeypatch.setattr(fetch_module.socket, "getaddrinfo", rebinding)
    Handler.requests.clear()
    port = server.rsplit(":", 1)[1]
    with pytest.raises(IngestError, match=r"rebind\.example points to a private or local address"):
        fetch(f"http://rebind.example:{port}/article.html", max_bytes=1_000_000)
    assert Handler.requests == []


def test_size_cap_and_timeout_and_errors(server, monkeypatch):
    with pytest.raises(IngestError, match="larger than"):
        fetch(f"{server}/huge", max_bytes=100_000, allow_private=True)
    with pytest.raises(IngestError, match="HTTP 404"):
        fetch(f"{server}/missing", max_bytes=100_000, allow_private=True)
    monkeypatch.setattr(fetch_module, "TIMEOUT", fetch_module.httpx.Timeout(0.5))
    with pytest.raises(IngestError, match="did not answer in time"):
        fetch(f"{server}/slow", max_bytes=100_000, allow_private=True)
    with pytest.raises(IngestError, match="cannot fetch"):
        fetch("http://127.0.0.1:9/", max_bytes=100_000, allow_private=True)
