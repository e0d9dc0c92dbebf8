"""QR codes of short links, as SVG (print, any size) and PNG (slides, chat), via segno.

segno is pure Python and writes PNG without Pillow. Error correction "M" (15 %) survives
a scuffed poster; a short URL stays a small version-2 or -3 symbol at that level.
"""

from __future__ import annotations

import io

import segno

SCALE = 10  # pixels (SVG: user units) per module
BORDER = 4  # the quiet zone ISO/IEC 18004 asks for, in modules


def _code(text: str) -> segno.QRCode:
    # micro=False: phone cameras read Micro QR codes badly.
    return segno.make(text, error="m", micro=False, boost_error=False)


def qr_svg(text: str, *, scale: int = SCALE) -> bytes:
    buffer = io.BytesIO()
    _code(text).save(
        buffer,
        kind="svg",
        scale=scale,
        border=BORDER,
        dark="#000",
        light="#fff",
        title=text,
        omitsize=True,  # a viewBox instead of a fixed size: prints sharp at any size
    )
    return buffer.getvalue()


def qr_png(text: str, *, scale: int = SCALE) -> bytes:
    buffer = io.BytesIO()
    _code(text).save(buffer, kind="png", scale=scale, border=BORDER)
    return buffer.getvalue()
