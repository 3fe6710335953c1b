"""The QR code of a survey's address, drawn on the server as inline SVG with segno (no image
file, no JavaScript, no style attributes for the CSP to refuse)."""

import segno
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _


def svg(url: str, code: str) -> SafeString:
    """An accessible QR code of `url`: an image named by its `<title>`, scaling to its box."""
    title = _("QR code to the survey. The code is %(code)s.") % {"code": code}
    drawn = segno.make(url, error="m").svg_inline(
        scale=1, title=title, svgclass="qr", lineclass=None, omitsize=True, border=2
    )
    # Safe: segno escapes the title, and the rest is its own path data.
    return mark_safe(drawn.replace("<svg ", '<svg role="img" focusable="false" ', 1))  # noqa: S308
