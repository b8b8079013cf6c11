"""The client's address, the same for every part of the site that needs it.

Login throttling (django-axes, through AXES_CLIENT_IP_CALLABLE), the
newsletter's sign-up limit, the password-reset limit and consent records all
ask ``client_address``. Behind TRUSTED_PROXY_COUNT proxies, each of which
appends the address it received the connection from to X-Forwarded-For, the
client is the entry the outermost trusted proxy wrote: the N-th from the
right. Anything to its left was written by the client and is ignored, so a
forged header moves nobody's counter but the forger's. With no trusted proxy
the header is ignored altogether and the connection's address is used.
"""

from django.conf import settings
from ipware import get_client_ip


def client_address(request) -> str:
    """The address of whoever sent ``request``, as far as we can trust it."""
    trusted = settings.TRUSTED_PROXY_COUNT
    if trusted:
        # django-ipware counts the proxies listed in the header; the nearest
        # proxy is the connection itself (REMOTE_ADDR), not in the header.
        address, _routable = get_client_ip(
            request,
            proxy_order="left-most",
            proxy_count=trusted - 1,
            request_header_order=["HTTP_X_FORWARDED_FOR"],
            strict=False,
        )
        if address:
            return address
    return request.META.get("REMOTE_ADDR", "")
