"""DiWoo metadata 0.9.8 for a Woo release (docs/decisions.md D14).

The XML names the publisher (Amsterdam's TOOI code), the official title, the information
category, the document kind and the action (adoption, "vaststelling") with its time. It holds
no personal data: the title is the body and the date.

Validation uses the published XSD 0.9.8 (diwoo-metadata.xsd with its value lists
diwoo-metadata-lijsten.xsd, copied unchanged into meetings/schemas/ from
standaarden.overheid.nl as published in infonl/woo-hoo). Its import of the MDTO schema from the
Nationaal Archief is pointed at the local stub meetings/schemas/mdto-stub.xsd when the schema is
loaded, so validation needs no network.
"""

import datetime as dt
import functools
from pathlib import Path

from django.utils import timezone

NS = "https://standaarden.overheid.nl/diwoo/metadata/"
KERN = "https://identifier.overheid.nl/tooi/def/thes/kern/"
PUBLISHER = ("https://identifier.overheid.nl/tooi/id/gemeente/gm0363", "gemeente Amsterdam")
CATEGORY = (KERN + "c_3baef532", "Woo-verzoeken en -besluiten")
DOCUMENT_KIND = (KERN + "c_42e406dd", "vergaderverslag")
ACTION = (KERN + "c_641ecd76", "vaststelling")
MDTO_STUB = Path(__file__).resolve().parent / "schemas" / "mdto-stub.xsd"


SCHEMA = Path(__file__).resolve().parent / "schemas" / "diwoo-metadata.xsd"


def metadata_xml(*, title: str, created: dt.date, adopted_at: dt.datetime) -> bytes:
    """The DiWoo Document for one release."""
    from lxml import etree

    def el(parent, name, text=None, **attrs):
        node = etree.SubElement(parent, f"{{{NS}}}{name}", **attrs)
        if text is not None:
            node.text = text
        return node

    root = etree.Element(f"{{{NS}}}Document", nsmap={"diwoo": NS})
    diwoo = el(root, "DiWoo")
    el(diwoo, "publisher", PUBLISHER[1], resource=PUBLISHER[0])
    el(diwoo, "creatiedatum", created.isoformat())
    titles = el(diwoo, "titelcollectie")
    el(titles, "officieleTitel", title)
    classification = el(diwoo, "classificatiecollectie")
    categories = el(classification, "informatiecategorieen")
    el(categories, "informatiecategorie", CATEGORY[1], resource=CATEGORY[0])
    kinds = el(classification, "documentsoorten")
    el(kinds, "documentsoort", DOCUMENT_KIND[1], resource=DOCUMENT_KIND[0])
    actions = el(diwoo, "documenthandelingen")
    action = el(actions, "documenthandeling")
    el(action, "soortHandeling", ACTION[1], resource=ACTION[0])
    el(action, "atTime", timezone.localtime(adopted_at).replace(microsecond=0).isoformat())
    el(action, "wasAssociatedWith", PUBLISHER[1], resource=PUBLISHER[0])
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


@functools.cache
def _schema():
    from lxml import etree

    main = SCHEMA
    tree = etree.parse(str(main))
    for node in tree.getroot().iter("{http://www.w3.org/2001/XMLSchema}import"):
        if node.get("namespace") == "https://www.nationaalarchief.nl/mdto":
            node.set("schemaLocation", MDTO_STUB.as_uri())
    # The include of the value lists resolves against the schema file's own directory.
    return etree.XMLSchema(etree.parse(__import__("io").BytesIO(etree.tostring(tree)), base_url=main.as_uri()))


def validate(xml: bytes) -> list[str]:
    """Errors of this XML against the DiWoo XSD ([] when valid)."""
    from lxml import etree

    schema = _schema()
    document = etree.fromstring(xml)
    if schema.validate(document):
        return []
    return [f"{e.line}: {e.message}" for e in schema.error_log]
