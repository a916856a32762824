"""Logo files for the branding tests: real PNGs and JPEGs made with Pillow (with metadata that
must not survive), SVGs, and the hostile files a logo upload must refuse."""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, PngImagePlugin

RED = (230, 0, 0)
SECRET = "GPS 45.5231 N 122.6765 W"


def png_logo(width: int = 300, height: int = 100, *, color=RED, metadata: bool = True) -> bytes:
    """A red bar with a transparent margin, carrying a text chunk that says where it was made."""
    image = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    image.paste(
        (*color, 255), (width // 10, height // 10, width - width // 10, height - height // 10)
    )
    info = PngImagePlugin.PngInfo()
    if metadata:
        info.add_text("Comment", SECRET)
    out = io.BytesIO()
    image.save(out, format="PNG", pnginfo=info)
    return out.getvalue()


def jpeg_logo(width: int = 400, height: int = 200, *, color=RED) -> bytes:
    """A red JPEG whose EXIF holds a camera's make and a location."""
    image = Image.new("RGB", (width, height), color)
    exif = Image.Exif()
    exif[0x010F] = "Acme Phone"  # Make
    exif[0x010E] = SECRET  # ImageDescription
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif.tobytes(), quality=92)
    return out.getvalue()


SVG_LOGO = b"""<?xml version="1.0" encoding="UTF-8"?>
<!-- Made by an editor -->
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"
     xmlns:inkscape="http://www.inkscape.org/namespaces/inkscape"
     viewBox="0 0 300 100" width="300" height="100" inkscape:version="1.3">
  <metadata><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/></metadata>
  <defs><rect id="bar" width="240" height="80"/></defs>
  <use xlink:href="#bar" x="30" y="10" fill="#e60000"/>
</svg>
"""

HOSTILE_SVGS = {
    "a script": b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.cookie)</script>'
    b'<rect width="10" height="10"/></svg>',
    "an onload handler": b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)">'
    b'<rect width="10" height="10"/></svg>',
    "an external href": b'<svg xmlns="http://www.w3.org/2000/svg" '
    b'xmlns:xlink="http://www.w3.org/1999/xlink"><use xlink:href="https://evil.example/x.svg#a"/>'
    b"</svg>",
    "a javascript: link": b'<svg xmlns="http://www.w3.org/2000/svg"><a href="javascript:alert(1)">'
    b'<rect width="10" height="10"/></a></svg>',
    "an entity (XXE)": b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY xxe SYSTEM '
    b'"file:///etc/passwd">]><svg xmlns="http://www.w3.org/2000/svg"><text>&xxe;</text></svg>',
    "a billion laughs": b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa">'
    b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><svg xmlns="http://www.w3.org/2000/svg">'
    b"<text>&b;</text></svg>",
    "a foreignObject": b'<svg xmlns="http://www.w3.org/2000/svg"><foreignObject width="10" '
    b'height="10"><div xmlns="http://www.w3.org/1999/xhtml">hi</div></foreignObject></svg>',
    "a remote stylesheet": b'<svg xmlns="http://www.w3.org/2000/svg"><style>'
    b"@import url(https://evil.example/x.css);</style></svg>",
    "a remote url() fill": b'<svg xmlns="http://www.w3.org/2000/svg">'
    b'<rect width="10" height="10" style="fill: url(https://evil.example/p.svg#g)"/></svg>',
    "an embedded image": b'<svg xmlns="http://www.w3.org/2000/svg"><image '
    b'href="data:image/png;base64,iVBORw0KGgo=" width="10" height="10"/></svg>',
    "an animation that sets a link": b'<svg xmlns="http://www.w3.org/2000/svg">'
    b'<set attributeName="href" to="javascript:alert(1)"/></svg>',
    "nested use": b'<svg xmlns="http://www.w3.org/2000/svg"><g id="a"><rect width="1" height="1"/>'
    b'</g><g id="b"><use href="#a"/><use href="#a"/></g><use href="#b"/></svg>',
}


def png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims `width` × `height` pixels (a decompression bomb's shape)."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = struct.pack(">I", zlib.crc32(kind + body))
        return struct.pack(">I", len(body)) + kind + body + crc

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


def gif_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (20, 20), RED).save(out, format="GIF")
    return out.getvalue()


def upload(data: bytes, name: str = "logo.png", content_type: str = "image/png"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def brand_shop(shop, *, logo: bytes | None = None, name: str = "logo.png", accent=None):
    """Gives `shop` a logo and/or an accent through the settings service, as its owner would."""
    from signoff.shops.access import Actor
    from signoff.shops.branding import shop_branding_update
    from signoff.shops.models import Role

    owner = Actor(user=None, shop=shop, role=Role.OWNER)
    saved = shop_branding_update(
        actor=owner,
        accent_color=accent or shop.accent_color,
        logo=upload(logo, name) if logo is not None else None,
    )
    shop.refresh_from_db()
    return saved


@pytest.fixture
def fresh_logo_storage():
    """No logo file left by an earlier test (the tests' storage is one in-memory store)."""

    def clear(folder: str) -> None:
        folders, files = default_storage.listdir(folder)
        for name in files:
            default_storage.delete(f"{folder}/{name}")
        for sub in folders:
            clear(f"{folder}/{sub}")

    if default_storage.exists("logos"):
        clear("logos")
    yield
