"""A document as people see it: a QR code, a printable card (SVG, PNG, PDF) and JSON.

The QR carries the whole signed token, so the card verifies offline; the printed text is for
the eye and is never trusted by a verifier. The card is ID-1 size (85.6 x 54 mm, a bank
card). Text on the PNG/PDF card needs a font with accents (Nadège, Ñuñez): the first of the
usual DejaVu locations found is used, else Pillow's built-in font.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Final
from xml.sax.saxutils import escape

import segno
from fpdf import FPDF
from PIL import Image, ImageDraw, ImageFont

from corredor.documents.domain.credentials import TITLE, Credential, DocumentType, to_claims

ERROR_CORRECTION: Final = "m"  # survives a crease or a smudge: 15% of the symbol may be lost
CARD_MM: Final = (85.6, 54.0)
CARD_PX: Final = (1011, 638)  # 300 dpi
ISSUER_NAME: Final = {
    "INM": "Instituto Nacional de Migración · México",
    "CBP": "U.S. Customs and Border Protection · DHS",
}
BAND_COLOUR: Final = {"INM": "#0b5d3b", "CBP": "#12355b"}
FONT_CANDIDATES: Final = (
    Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
    Path("/usr/share/fonts/dejavu/DejaVuSans.ttf"),
)


def qr(token: str) -> segno.QRCode:
    return segno.make(token, error=ERROR_CORRECTION, micro=False)


def qr_svg(token: str, scale: int = 4) -> bytes:
    out = io.BytesIO()
    qr(token).save(out, kind="svg", scale=scale, border=4, title="Corredor document")
    return out.getvalue()


def qr_png(token: str, scale: int = 6) -> bytes:
    out = io.BytesIO()
    qr(token).save(out, kind="png", scale=scale, border=4)
    return out.getvalue()


@dataclass(frozen=True)
class Line:
    label: str
    value: str


def card_lines(credential: Credential) -> list[Line]:
    lines = [
        Line("Nombre / Name", credential.holder_name),
        Line("Nacimiento / Born", credential.holder_birth_date.isoformat()),
        Line("Número / Number", credential.number),
        Line(
            "Vigencia / Valid",
            f"{credential.valid_from.isoformat()} – {credential.valid_until.isoformat()}",
        ),
    ]
    if credential.type is DocumentType.TRAVEL:
        how = "Flight to" if str(credential.travel_mode) == "flight" else "Port of entry"
        lines.append(Line(how, credential.port or ""))
    elif credential.type is DocumentType.WORK:
        lines.append(Line("Category", credential.category or ""))
    return lines


def json_form(credential: Credential, token: str, key_id: str) -> dict[str, Any]:
    """The document as JSON: the claims in plain words, and the signed token that proves them."""
    return {
        "type": str(credential.type),
        "title": TITLE[credential.type],
        "number": credential.number,
        "issuer": credential.issuer,
        "holder": {
            "name": credential.holder_name,
            "birth_date": credential.holder_birth_date.isoformat(),
        },
        "valid_from": credential.valid_from.isoformat(),
        "valid_until": credential.valid_until.isoformat(),
        "travel_mode": credential.travel_mode and str(credential.travel_mode),
        "port": credential.port,
        "category": credential.category,
        "key_id": key_id,
        "claims": to_claims(credential),
        "credential": token,
    }


def card_svg(credential: Credential, token: str) -> bytes:
    width, height = 856, 540
    symbol = qr(token)
    modules = symbol.symbol_size(scale=1, border=2)[0]
    scale = max(1, 330 // modules)
    qr_size = modules * scale
    qr_x, qr_y = width - qr_size - 24, height - qr_size - 24
    colour = BAND_COLOUR.get(credential.issuer, "#333333")
    text = [
        f'<text x="24" y="44" font-size="22" fill="#fff" font-weight="bold">'
        f"{escape(ISSUER_NAME.get(credential.issuer, credential.issuer))}</text>",
        f'<text x="24" y="76" font-size="20" fill="#fff">{escape(TITLE[credential.type])}</text>',
    ]
    y = 140
    for line in card_lines(credential):
        text.append(f'<text x="24" y="{y}" font-size="15" fill="#555">{escape(line.label)}</text>')
        text.append(
            f'<text x="24" y="{y + 26}" font-size="22" fill="#111">{escape(line.value)}</text>'
        )
        y += 68
    inline = symbol.svg_inline(scale=scale, border=2, dark="#000", light="#fff")
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="85.6mm" height="54mm" '
        f'viewBox="0 0 {width} {height}" font-family="DejaVu Sans, Arial, sans-serif" '
        f'role="img" aria-label="{escape(TITLE[credential.type])} {escape(credential.number)}">'
        f'<rect width="{width}" height="{height}" rx="24" fill="#fdfdf8" stroke="#999"/>'
        f'<path d="M24 0h{width - 48}a24 24 0 0 1 24 24v68H0V24A24 24 0 0 1 24 0z" '
        f'fill="{colour}"/>'
        f"{''.join(text)}"
        f'<g transform="translate({qr_x},{qr_y})">{inline}</g>'
        "</svg>"
    ).encode()


@lru_cache(maxsize=8)
def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    for candidate in FONT_CANDIDATES:
        if candidate.exists():
            return ImageFont.truetype(str(candidate), size)
    return ImageFont.load_default(size=size)


def _card_image(credential: Credential, token: str) -> Image.Image:
    width, height = CARD_PX
    image = Image.new("RGB", CARD_PX, "#fdfdf8")
    draw = ImageDraw.Draw(image)
    colour = BAND_COLOUR.get(credential.issuer, "#333333")
    draw.rectangle((0, 0, width, 110), fill=colour)
    draw.text(
        (28, 18), ISSUER_NAME.get(credential.issuer, credential.issuer), font=_font(26), fill="#fff"
    )
    draw.text((28, 60), TITLE[credential.type], font=_font(24), fill="#fff")
    y = 140
    for line in card_lines(credential):
        draw.text((28, y), line.label, font=_font(18), fill="#555")
        draw.text((28, y + 22), line.value, font=_font(26), fill="#111")
        y += 80
    # A whole number of pixels per module keeps every module the same size for scanners.
    modules = int(qr(token).symbol_size(scale=1, border=4)[0])
    code = Image.open(io.BytesIO(qr_png(token, scale=max(1, (height - 150) // modules))))
    side = code.size[0]
    image.paste(code, (width - side - 24, height - side - 24))
    return image


def card_png(credential: Credential, token: str) -> bytes:
    out = io.BytesIO()
    _card_image(credential, token).save(out, format="PNG", dpi=(300, 300))
    return out.getvalue()


def card_pdf(credential: Credential, token: str) -> bytes:
    """One ID-1 page holding the 300 dpi card image: prints at true size on any printer."""
    pdf = FPDF(unit="mm", format=CARD_MM)
    pdf.set_margins(0, 0, 0)
    pdf.set_auto_page_break(auto=False)
    pdf.set_title(f"{TITLE[credential.type]} {credential.number}")
    pdf.set_creator("Corredor")
    pdf.add_page()
    pdf.image(io.BytesIO(card_png(credential, token)), x=0, y=0, w=CARD_MM[0], h=CARD_MM[1])
    return bytes(pdf.output())
