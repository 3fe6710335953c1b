"""For tests of partial updates (`lib/htmx.py`): the request headers htmx sends."""


def htmx(target: str | None = None, *, history_restore: bool = False) -> dict[str, str]:
    """The headers of an htmx request for the element `target` (or for no element in
    particular), as keyword arguments of Django's test client and request factory:
    `client.get(url, **htmx("signal-results"))`. With `history_restore`, htmx reloading an
    address it pushed and no longer holds."""
    headers = {"HTTP_HX_REQUEST": "true"}
    if target is not None:
        headers["HTTP_HX_TARGET"] = target
    if history_restore:
        headers["HTTP_HX_HISTORY_RESTORE_REQUEST"] = "true"
    return headers
