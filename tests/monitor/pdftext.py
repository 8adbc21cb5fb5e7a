"""Text of a PDF made by WeasyPrint, read with pikepdf through the fonts' ToUnicode maps."""

import re

import pikepdf

_BFCHAR = re.compile(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>")
_BFRANGE = re.compile(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>")


def _cmap(font) -> tuple[dict[int, str], int]:
    data = font.ToUnicode.read_bytes()
    mapping = {}
    for block in re.findall(rb"beginbfrange(.*?)endbfrange", data, re.S):
        for low, high, start in _BFRANGE.findall(block):
            base = int(start, 16)
            for offset, code in enumerate(range(int(low, 16), int(high, 16) + 1)):
                mapping[code] = chr(base + offset)
    for block in re.findall(rb"beginbfchar(.*?)endbfchar", data, re.S):
        for code, uni in _BFCHAR.findall(block):
            mapping[int(code, 16)] = bytes.fromhex(uni.decode()).decode("utf-16-be")
    width = 2 if font.get("/Subtype") == "/Type0" else 1
    return mapping, width


def _decode(raw: bytes, cmap: dict[int, str], width: int) -> str:
    return "".join(cmap.get(int.from_bytes(raw[i : i + width], "big"), "") for i in range(0, len(raw), width))


def pdf_text(pdf: pikepdf.Pdf) -> str:
    out = []
    for page in pdf.pages:
        fonts = page.Resources.get("/Font", {})
        maps = {name: _cmap(font) for name, font in fonts.items() if "/ToUnicode" in font}
        current = None
        for operands, operator in pikepdf.parse_content_stream(page):
            op = str(operator)
            if op == "Tf":
                current = maps.get(str(operands[0]))
            elif op in ("Tj", "'", '"') and current:
                out.append(_decode(bytes(operands[-1]), *current))
            elif op == "TJ" and current:
                out.append("".join(_decode(bytes(x), *current) for x in operands[0] if isinstance(x, pikepdf.String)))
            elif op in ("ET", "Td", "TD", "T*"):
                out.append(" ")
    return re.sub(r"\s+", " ", "".join(out))
