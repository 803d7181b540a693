"""Fetch a URL for ingestion: http(s) only, public addresses only, bounded in time and size."""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import httpcore
import httpx

from .errors import IngestError

MAX_REDIRECTS = 5
TIMEOUT = httpx.Timeout(connect=5.0, read=15.0, write=5.0, pool=5.0)
USER_AGENT = "aidbot/0.1"


@dataclass(frozen=True)
class Fetched:
    url: str  # final URL after redirects
    content_type: str
    body: bytes


def _is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def public_address(host: str, port: int) -> str:
    """The address to connect to, if every address the name resolves to is public."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise IngestError(f"cannot resolve the host {host!r}") from None
    for info in infos:
        address = info[4][0]
        if not _is_public(address):
            raise IngestError(
                f"refused: {host} points to a private or local address ({address}); "
                "set AIDBOT_ALLOW_PRIVATE_URLS=1 to allow it"
            )
    return infos[0][4][0]


def check_url(url: str, *, allow_private: bool) -> None:
    """Refuse anything but http(s) to public addresses (every address the name resolves to)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise IngestError(f"only http and https links can be added, not {parts.scheme or 'this'!r}")
    host = parts.hostname
    if not host:
        raise IngestError(f"{url!r} has no host name")
    if not allow_private:
        public_address(host, parts.port or 0)


class _PublicOnlyBackend(httpcore.SyncBackend):
    """Connects to the very address it has just checked. Checking the name before the request is
    not enough: it may resolve to a public address for the check and to a private one for the
    connection (DNS rebinding). TLS still verifies the certificate against the host name."""

    def connect_tcp(self, host: str, port: int, timeout: float | None = None,
                    local_address: str | None = None,
                    socket_options: list | None = None) -> httpcore.NetworkStream:
        return super().connect_tcp(public_address(host, port), port, timeout, local_address,
                                   socket_options)


def _transport(allow_private: bool) -> httpx.HTTPTransport:
    transport = httpx.HTTPTransport(retries=0)
    if not allow_private:
        # httpx takes no network backend of its own: its connection pool gets the checking one
        transport._pool = httpcore.ConnectionPool(
            ssl_context=httpx.create_ssl_context(), network_backend=_PublicOnlyBackend())
    return transport


def fetch(url: str, *, max_bytes: int, allow_private: bool = False) -> Fetched:
    headers = {"User-Agent": USER_AGENT, "Accept": "text/html,application/pdf,text/plain,*/*"}
    with httpx.Client(timeout=TIMEOUT, follow_redirects=False, trust_env=False,
                      transport=_transport(allow_private)) as client:
        for _ in range(MAX_REDIRECTS + 1):
            check_url(url, allow_private=allow_private)
            try:
                with client.stream("GET", url, headers=headers) as response:
                    if response.is_redirect:
                        location = response.headers.get("location", "")
                        url = urljoin(url, location)
                        continue
                    if response.status_code >= 400:
                        raise IngestError(f"{url} answered HTTP {response.status_code}")
                    declared = response.headers.get("content-length", "")
                    if declared.isdigit() and int(declared) > max_bytes:
                        raise IngestError(_too_big(max_bytes))
                    body = bytearray()
                    for chunk in response.iter_bytes():
                        body += chunk
                        if len(body) > max_bytes:
                            raise IngestError(_too_big(max_bytes))
                    content_type = response.headers.get("content-type", "").split(";")[0].strip()
                    return Fetched(str(response.url), content_type.lower(), bytes(body))
            except httpx.TimeoutException:
                raise IngestError(f"{url} did not answer in time") from None
            except httpx.HTTPError as exc:
                raise IngestError(f"cannot fetch {url}: {type(exc).__name__}") from None
    raise IngestError(f"too many redirects from {url}")


def _too_big(max_bytes: int) -> str:
    return f"the page is larger than the limit of {max_bytes // (1024 * 1024)} MB"
