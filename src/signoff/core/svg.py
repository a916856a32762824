"""SVG pictures from outside made safe to keep, show and print: parsed with defusedxml and
written again from an allowlist.

What a browser or a PDF renderer could be made to do through an SVG is refused with a sentence
saying what was found: scripts, event handlers (`onload=`), HTML inside the picture
(`foreignObject`), links, animation (which can rewrite a link), embedded pictures and any
reference that leaves the file (`href`, `url()`, CSS `@import`) — only `#fragment` references
inside the picture are allowed. A DOCTYPE is refused before anything is read, so no entity can
expand (billion laughs) or read a file (XXE). What is merely unknown (editor metadata,
Inkscape and Illustrator attributes, comments, processing instructions) is left out. The
output is built from allowed elements and attributes only, so a gap in the refusals cannot
carry anything through.

`svg_to_png` draws a sanitized SVG with typst (the PDFs' own renderer), for the places that
cannot show SVG (email clients).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from xml.sax.saxutils import escape, quoteattr

import typst
from defusedxml import DefusedXmlException, DTDForbidden, EntitiesForbidden
from defusedxml import ElementTree as SafeET

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
XML_NS = "http://www.w3.org/XML/1998/namespace"
XHTML_NS = "http://www.w3.org/1999/xhtml"

MAX_ELEMENTS = 10_000
MAX_DEPTH = 48
MAX_USES = 500


def _names(text: str) -> frozenset[str]:
    return frozenset(text.split())


ELEMENTS = _names(
    """svg g defs symbol use title desc style path rect circle ellipse line polyline polygon
    text tspan textPath linearGradient radialGradient stop clipPath mask pattern marker filter
    feBlend feColorMatrix feComponentTransfer feComposite feConvolveMatrix feDiffuseLighting
    feDisplacementMap feDistantLight feDropShadow feFlood feFuncA feFuncB feFuncG feFuncR
    feGaussianBlur feMerge feMergeNode feMorphology feOffset fePointLight feSpecularLighting
    feSpotLight feTile feTurbulence"""
)
# Elements whose text is drawn or read (the rest only hold white space between tags).
TEXT_ELEMENTS = frozenset({"text", "tspan", "textPath", "title", "desc", "style"})
ATTRIBUTES = _names(
    """id class style transform d x y x1 y1 x2 y2 cx cy r rx ry fx fy fr width height viewBox
    preserveAspectRatio points pathLength version fill fill-opacity fill-rule stroke
    stroke-width stroke-linecap stroke-linejoin stroke-miterlimit stroke-dasharray
    stroke-dashoffset stroke-opacity opacity color clip-path clip-rule clipPathUnits mask
    maskUnits maskContentUnits gradientUnits gradientTransform spreadMethod offset stop-color
    stop-opacity href patternUnits patternContentUnits patternTransform marker-start
    marker-mid marker-end markerWidth markerHeight markerUnits refX refY orient font-family
    font-size font-weight font-style font-variant font-stretch text-anchor dominant-baseline
    alignment-baseline baseline-shift letter-spacing word-spacing text-decoration
    writing-mode direction unicode-bidi dx dy rotate textLength lengthAdjust startOffset
    method spacing side visibility display overflow vector-effect paint-order
    shape-rendering text-rendering image-rendering color-interpolation
    color-interpolation-filters isolation mix-blend-mode filter filterUnits primitiveUnits
    in in2 result stdDeviation mode operator k1 k2 k3 k4 values type tableValues slope
    intercept amplitude exponent flood-color flood-opacity lighting-color surfaceScale
    diffuseConstant specularConstant specularExponent kernelMatrix kernelUnitLength order
    divisor bias targetX targetY edgeMode preserveAlpha radius scale xChannelSelector
    yChannelSelector baseFrequency numOctaves seed stitchTiles azimuth elevation pointsAtX
    pointsAtY pointsAtZ limitingConeAngle z media"""
)
# Elements refused outright, with what they are in words.
REFUSED = {
    "script": "a script",
    "foreignObject": "a foreignObject (HTML inside the picture)",
    "image": "an embedded picture or file",
    "feImage": "an embedded picture or file",
    "a": "a link",
    "animate": "animation",
    "animateMotion": "animation",
    "animateTransform": "animation",
    "set": "animation",
    "discard": "animation",
    "iframe": "a frame",
    "embed": "an embedded object",
    "object": "an embedded object",
    "audio": "audio",
    "video": "video",
    "handler": "a script",
    "listener": "a script",
}
_FRAGMENT = re.compile(r"#[A-Za-z_][\w.:-]*")
_URL = re.compile(r"url\(\s*(['\"]?)(.*?)\1\s*\)", re.IGNORECASE | re.DOTALL)
_CSS_REFUSED = ("expression(", "javascript:", "-moz-binding", "behavior:", "behaviour:")
_AGAIN = "Export it again as plain SVG, or upload a PNG instead."


def _refuse(what: str) -> ValueError:
    return ValueError(f"This SVG contains {what}; a logo may not. {_AGAIN}")


def _local(tag: str) -> tuple[str, str]:
    """(namespace, local name) of an ElementTree tag or attribute name."""
    if tag.startswith("{"):
        ns, _, name = tag[1:].partition("}")
        return ns, name
    return "", tag


def _check_urls(value: str, *, where: str) -> None:
    """Every `url(…)` in a CSS value or presentation attribute must point inside the picture."""
    if "\\" in value:
        raise _refuse(f"a CSS escape that can hide what the value does ({where})")
    calls = value.lower().count("url(")
    spans = _URL.findall(value)
    if calls != len(spans):
        raise _refuse(f"a reference that cannot be checked ({where})")
    for _quote, target in spans:
        if not _FRAGMENT.fullmatch(target.strip()):
            raise _refuse(f"a reference to something outside the picture ({where})")


def _check_css(css: str, *, where: str) -> None:
    lowered = css.lower()
    if "@" in lowered:
        raise _refuse(f"a CSS at-rule such as @import that can load files ({where})")
    for word in _CSS_REFUSED:
        if word in lowered.replace(" ", ""):
            raise _refuse(f"CSS that runs code ({where})")
    _check_urls(css, where=where)


class _Sanitizer:
    def __init__(self, default_ns: str):
        self.default_ns = default_ns
        self.elements = 0
        self.uses: list[tuple[ET.Element, str]] = []
        self.ids: dict[str, ET.Element] = {}

    def element(self, source: ET.Element, depth: int) -> ET.Element | None:
        ns, name = _local(source.tag)
        if ns == XHTML_NS:
            raise _refuse("HTML")
        if ns != self.default_ns:
            return None  # an editor's own element (Inkscape, Illustrator, RDF metadata)
        if name in REFUSED:
            raise _refuse(REFUSED[name])
        if name not in ELEMENTS:
            return None
        self.elements += 1
        if self.elements > MAX_ELEMENTS:
            raise ValueError(
                f"This SVG has more than {MAX_ELEMENTS:,} elements; a logo needs far fewer. "
                "Simplify it, or upload a PNG instead."
            )
        if depth > MAX_DEPTH:
            raise ValueError(
                f"This SVG nests elements more than {MAX_DEPTH} deep. Simplify it, or upload "
                "a PNG instead."
            )
        out = ET.Element(f"{{{SVG_NS}}}{name}", self.attributes(source, name))
        if name == "use":
            self.uses.append((out, out.get("href") or out.get(f"{{{XLINK_NS}}}href") or ""))
        if "id" in out.attrib:
            self.ids[out.get("id")] = out
        if name in TEXT_ELEMENTS and source.text:
            out.text = source.text
        if name == "style":
            _check_css(out.text or "", where="a <style> element")
            if len(source):
                raise _refuse("markup inside a <style> element")
        last: ET.Element | None = None
        for child in source:
            kept = self.element(child, depth + 1)
            tail = child.tail if name in TEXT_ELEMENTS else None
            if kept is not None:
                kept.tail = tail
                out.append(kept)
                last = kept
            elif tail:  # the text after a dropped element still belongs to the text
                if last is not None:
                    last.tail = (last.tail or "") + tail
                else:
                    out.text = (out.text or "") + tail
        return out

    def attributes(self, source: ET.Element, element: str) -> dict[str, str]:
        kept = {}
        for key, value in source.attrib.items():
            ns, name = _local(key)
            where = f"{name}= on <{element}>"
            if name.lower().startswith("on"):
                raise _refuse(f"an event handler ({where}) that would run a script")
            if name == "href" and ns in ("", XLINK_NS):
                if not _FRAGMENT.fullmatch(value.strip()):
                    raise _refuse(f"a reference to something outside the picture ({where})")
                kept[key] = value.strip()
                continue
            if ns == XML_NS and name == "space":
                kept[key] = value
                continue
            if ns or name not in ATTRIBUTES:
                continue  # an editor's attribute, or one that draws nothing
            if name == "style":
                _check_css(value, where=f"style= on <{element}>")
            else:
                _check_urls(value, where=where)
            if element == "style" and name == "type" and value.strip() != "text/css":
                raise _refuse("a style that is not CSS")
            kept[key] = value
        return kept

    def check_uses(self) -> None:
        if len(self.uses) > MAX_USES:
            raise ValueError(
                f"This SVG repeats shapes with more than {MAX_USES} <use> elements. Simplify "
                "it, or upload a PNG instead."
            )
        for _use, href in self.uses:
            target = self.ids.get(href.removeprefix("#"))
            if target is not None and any(_local(e.tag)[1] == "use" for e in target.iter()):
                # A <use> of something that itself holds <use>s can multiply without limit.
                raise _refuse("nested <use> references")


def svg_sanitize(data: bytes) -> str:
    """The SVG rebuilt from allowed elements and attributes, as UTF-8 text.

    Raises ValueError with a sentence saying what was refused and how to fix it."""
    try:
        root = SafeET.fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DTDForbidden:
        raise ValueError(
            "This SVG declares a DOCTYPE, whose entities can hide content or read files on the "
            f"server, so it is refused. {_AGAIN}"
        ) from None
    except (EntitiesForbidden, DefusedXmlException):
        raise ValueError(
            f"This SVG declares entities, which can hide content or read files. {_AGAIN}"
        ) from None
    except ET.ParseError as exc:
        raise ValueError(
            f"This file looks like an SVG but is not valid XML ({exc}). {_AGAIN}"
        ) from None
    ns, name = _local(root.tag)
    if name != "svg" or ns not in (SVG_NS, ""):
        raise ValueError(f"This file is XML but not an SVG picture. {_AGAIN}")
    sanitizer = _Sanitizer(default_ns=ns)
    clean = sanitizer.element(root, 0)
    sanitizer.check_uses()
    return _serialize(clean, root=True)


def _serialize(element: ET.Element, *, root: bool = False) -> str:
    """The element as XML: SVG as the default namespace, xlink:href and xml:space spelled out."""
    name = _local(element.tag)[1]
    attrs = []
    if root:
        attrs.append(f'xmlns="{SVG_NS}"')
        if any(f"{{{XLINK_NS}}}href" in e.attrib for e in element.iter()):
            attrs.append(f'xmlns:xlink="{XLINK_NS}"')
    for key, value in element.attrib.items():
        ns, attr = _local(key)
        prefix = {XLINK_NS: "xlink:", XML_NS: "xml:"}.get(ns, "")
        attrs.append(f"{prefix}{attr}={quoteattr(value)}")
    head = " ".join([name, *attrs])
    inner = escape(element.text or "") + "".join(
        _serialize(child) + escape(child.tail or "") for child in element
    )
    return f"<{head}>{inner}</{name}>" if inner else f"<{head}/>"


_RASTER_SOURCE = b"""#set page(width: auto, height: auto, margin: 0pt, fill: none)
#image(bytes(sys.inputs.svg), format: "svg", height: float(sys.inputs.height) * 1pt)
"""


def svg_to_png(svg: str, *, height: int) -> bytes:
    """A sanitized SVG drawn `height` pixels high (its width follows) on a transparent PNG.

    Raises ValueError when typst cannot draw it."""
    try:
        return typst.compile(
            _RASTER_SOURCE, format="png", ppi=72, sys_inputs={"svg": svg, "height": str(height)}
        )
    except typst.TypstError as exc:
        raise ValueError(f"This SVG cannot be drawn ({exc.message}). {_AGAIN}") from None
