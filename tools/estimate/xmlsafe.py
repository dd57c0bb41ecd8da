"""Reading untrusted XML: no DTD, no entities, no network, bounded size.

An exported estimate comes from outside (a mail, an upload). Anything that
makes a parser fetch, expand or declare is refused before lxml parses:
a DOCTYPE (and so every entity declaration, internal or external: billion
laughs, XXE) never reaches the parser, and the parser itself is configured
not to resolve entities, load a DTD or touch the network in case one did.
"""

import re

from lxml import etree

from . import EstimateError, _lt

# Largest file accepted; an estimate of several hundred lines is well
# under 1 MB.
MAX_SIZE = 20 * 1024 * 1024

# A declaration anywhere in the document: <!DOCTYPE, <!ENTITY, <!ELEMENT,
# <!ATTLIST, <!NOTATION. CDATA sections and comments (<![CDATA[, <!--) are
# not declarations.
_DECLARATION = re.compile(
    rb"<!\s*(DOCTYPE|ENTITY|ELEMENT|ATTLIST|NOTATION)", re.IGNORECASE
)


def _parser():
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        dtd_validation=False,
        load_dtd=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )


def _declarations(data):
    """Whether the bytes declare a DTD or entities, in any of the encodings
    an XML file may be in (UTF-8/ASCII-compatible or UTF-16/32)."""
    if _DECLARATION.search(data):
        return True
    for encoding in ("utf-16", "utf-32"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _DECLARATION.search(text.encode("utf-8", "ignore")):
            return True
    return False


def parse_xml(data):
    """The root element of ``data`` (bytes), or :class:`EstimateError`."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    if not data or not data.strip():
        raise EstimateError(_lt("The file is empty."))
    if len(data) > MAX_SIZE:
        raise EstimateError(
            _lt(
                "The file is too large to be an estimate (%(size)s MB, at most "
                "%(max)s MB)."
            ),
            size=round(len(data) / 1024 / 1024, 1),
            max=MAX_SIZE // 1024 // 1024,
        )
    if _declarations(data):
        raise EstimateError(
            _lt(
                "This file declares a document type or entities (DOCTYPE), "
                "which an estimate never needs; it is refused for safety."
            )
        )
    try:
        root = etree.fromstring(data, parser=_parser())
    except etree.XMLSyntaxError as error:
        raise EstimateError(
            _lt("This file is not readable XML: %(error)s"), error=str(error)
        ) from None
    except ValueError as error:
        raise EstimateError(
            _lt("This file is not readable XML: %(error)s"), error=str(error)
        ) from None
    if root is None:
        raise EstimateError(
            _lt("This file is not readable XML: %(error)s"), error="no root element"
        )
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None or docinfo.externalDTD:
        raise EstimateError(
            _lt(
                "This file declares a document type or entities (DOCTYPE), "
                "which an estimate never needs; it is refused for safety."
            )
        )
    return root


def local(element):
    """The tag of ``element`` without its namespace."""
    tag = element.tag
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1]


def child(element, *path):
    """The first descendant along ``path`` (local names, any namespace or
    none), or None."""
    node = element
    for name in path:
        if node is None:
            return None
        node = node.find("{*}" + name)
    return node


def children(element, name):
    """The direct children of ``element`` called ``name`` (any namespace)."""
    return element.findall("{*}" + name) if element is not None else []


def text(element, *path, default=""):
    """The stripped text at ``path`` below ``element``, or ``default``."""
    node = child(element, *path) if path else element
    if node is None or node.text is None:
        return default
    return node.text.strip()


def number(element, *path, ref="", default=None):
    """The number at ``path`` below ``element`` (a decimal comma read as a
    point), ``default`` when absent; a non-number names its line."""
    value = text(element, *path)
    if not value:
        return default
    if "," in value and "." not in value:
        value = value.replace(",", ".")
    try:
        return float(value)
    except ValueError:
        raise EstimateError(
            _lt("Line %(line)s: %(value)s is not a number (%(field)s)."),
            line=ref or "-",
            value=value,
            field="/".join(path),
        ) from None


def money(value):
    """An amount rounded to the cent."""
    return round(value + 0.0, 2)
