"""Where a webhook may be sent: HTTPS to a public address (SSRF). Checked when a subscription is
saved and again before every attempt, after DNS resolution: the request then goes to the very
address that was checked, so a name that later resolves to an internal address (DNS rebinding)
reaches nothing inside.

Settings: WEBHOOKS_ALLOW_HTTP (plain http, for local development) and
WEBHOOKS_ALLOW_PRIVATE_NETWORKS (loopback, private, link-local addresses: a receiver on the
company's own network, or a test). Both are off unless set."""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

from common.exceptions import BusinessError

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


@dataclass(frozen=True)
class Target:
    """A checked URL: connect to `address`, speak to `host` (Host header, TLS server name)."""

    scheme: str
    host: str
    port: int
    path: str
    address: str


def _refuse(message: str, code: str) -> BusinessError:
    return BusinessError(message, code=code, extra={"fields": {"url": [message]}})


def _split(url: str) -> tuple[str, str, int, str]:
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        raise _refuse(_("推送地址不是有效的网址。"), "webhook_url_invalid") from None
    scheme = parts.scheme.lower()
    allowed = ("https", "http") if settings.WEBHOOKS_ALLOW_HTTP else ("https",)
    if scheme not in allowed:
        raise _refuse(_("推送地址必须以 https:// 开头。"), "webhook_url_scheme")
    if not parts.hostname:
        raise _refuse(_("推送地址缺少主机名。"), "webhook_url_invalid")
    if parts.username is not None or parts.password is not None:
        raise _refuse(_("推送地址不能包含用户名或密码。"), "webhook_url_credentials")
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    return scheme, parts.hostname, port or (443 if scheme == "https" else 80), path


def address_is_public(address: IPAddress) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_global and not address.is_multicast


def _resolve(host: str, port: int) -> list[IPAddress]:
    try:
        return [ipaddress.ip_address(host)]
    except ValueError:
        pass
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        raise _refuse(
            _("无法解析推送地址的主机名，请检查域名。"), "webhook_url_unresolvable"
        ) from None
    # a scoped IPv6 address carries "%zone": not a public address anyway
    return [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in found]


def target_check(url: str) -> Target:
    """The URL's target, or a BusinessError saying why it may not receive webhooks. Every
    address the name resolves to must be public (one internal answer refuses it all)."""
    scheme, host, port, path = _split(url)
    addresses = _resolve(host, port)
    if not addresses:
        raise _refuse(_("无法解析推送地址的主机名，请检查域名。"), "webhook_url_unresolvable")
    if not settings.WEBHOOKS_ALLOW_PRIVATE_NETWORKS and not all(
        address_is_public(address) for address in addresses
    ):
        raise _refuse(_("推送地址指向内网、本机或保留地址，不允许推送。"), "webhook_url_private")
    return Target(scheme=scheme, host=host, port=port, path=path, address=str(addresses[0]))
