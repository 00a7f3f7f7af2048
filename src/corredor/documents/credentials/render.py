"""A document as people see it: a QR code, a printable card (SVG, PNG, PDF) and JSON.

The QR carries the whole signed document (an SD-JWT VC with its holder's name, birth date and
small photo disclosed), so the card verifies offline and the checker's screen shows the face
the issuer photographed; the printed text and photo are for the eye and are never trusted by
a verifier. The card is ID-1 size (85.6 x 54 mm, a bank card), printed on two sides: the front
with the photo, name, birth date and validity, the back with the code, which with a photo in it
is too dense to share the front (docs/documents.md gives its size). Text needs a font with
accents (Nadège, Ñuñez): the first of the usual DejaVu locations found is used, else Pillow's
built-in font.
"""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Final
from xml.sax.saxutils import escape

import segno
from fpdf import FPDF
from PIL import Image, ImageDraw, ImageFont

from corredor.documents.domain.credentials import TITLE, Credential, DocumentType

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
    born = credential.holder_birth_date
    lines = [
        Line("Nombre / Name", credential.holder_name or ""),
        Line("Nacimiento / Born", born.isoformat() if born is not None else ""),
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
            "birth_date": credential.holder_birth_date and credential.holder_birth_date.isoformat(),
            "photo_in_code": credential.holder_picture is not None,
        },
        "valid_from": credential.valid_from.isoformat(),
        "valid_until": credential.valid_until.isoformat(),
        "travel_mode": credential.travel_mode and str(credential.travel_mode),
        "port": credential.port,
        "category": credential.category,
        "key_id": key_id,
        "credential": token,
    }


BACK_NOTE: Final = (
    "Escanee el código: compare la foto con la persona.",
    "Scan the code: compare the photo with the person.",
)
NO_PHOTO: Final = "Sin foto / No photo"


def _data_url(jpeg: bytes) -> str:
    return "data:image/jpeg;base64," + base64.b64encode(jpeg).decode("ascii")


def card_svg(credential: Credential, token: str, photo: bytes | None = None) -> bytes:
    """Front above back, one SVG; `photo` is the printed portrait (JPEG), if one was taken."""
    width, side = 856, 540
    height = side * 2 + 24
    colour = BAND_COLOUR.get(credential.issuer, "#333333")
    issuer = escape(ISSUER_NAME.get(credential.issuer, credential.issuer))
    text = [
        f'<text x="24" y="44" font-size="22" fill="#fff" font-weight="bold">{issuer}</text>',
        f'<text x="24" y="76" font-size="20" fill="#fff">{escape(TITLE[credential.type])}</text>',
    ]
    if photo is not None:
        text.append(
            f'<image x="24" y="112" width="200" height="250" href="{_data_url(photo)}">'
            f"<title>{escape(credential.holder_name or '')}</title></image>"
        )
    else:
        text.append('<rect x="24" y="112" width="200" height="250" fill="#eee" stroke="#999"/>')
        text.append(f'<text x="40" y="240" font-size="16" fill="#555">{escape(NO_PHOTO)}</text>')
    y = 140
    for line in card_lines(credential):
        text.append(f'<text x="250" y="{y}" font-size="15" fill="#555">{escape(line.label)}</text>')
        text.append(
            f'<text x="250" y="{y + 26}" font-size="22" fill="#111">{escape(line.value)}</text>'
        )
        y += 68
    symbol = qr(token)
    modules = symbol.symbol_size(scale=1, border=2)[0]
    scale = max(1, (side - 110) // modules)
    qr_size = modules * scale
    qr_x, qr_y = (width - qr_size) // 2, side + 24 + 16
    inline = symbol.svg_inline(scale=scale, border=2, dark="#000", light="#fff")
    back_y = side + 24
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="85.6mm" height="{54 * 2 + 2.4}mm" '
        f'viewBox="0 0 {width} {height}" font-family="DejaVu Sans, Arial, sans-serif" '
        f'role="img" aria-label="{escape(TITLE[credential.type])} {escape(credential.number)}">'
        f'<rect width="{width}" height="{side}" rx="24" fill="#fdfdf8" stroke="#999"/>'
        f'<path d="M24 0h{width - 48}a24 24 0 0 1 24 24v68H0V24A24 24 0 0 1 24 0z" '
        f'fill="{colour}"/>'
        f"{''.join(text)}"
        f'<rect y="{back_y}" width="{width}" height="{side}" rx="24" fill="#fdfdf8" '
        f'stroke="#999"/>'
        f'<g transform="translate({qr_x},{qr_y})">{inline}</g>'
        f'<text x="{width // 2}" y="{height - 44}" font-size="15" fill="#333" '
        f'text-anchor="middle">{escape(BACK_NOTE[0])}</text>'
        f'<text x="{width // 2}" y="{height - 22}" font-size="15" fill="#333" '
        f'text-anchor="middle">{escape(BACK_NOTE[1])}</text>'
        "</svg>"
    ).encode()


@lru_cache(maxsize=8)
def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    for candidate in FONT_CANDIDATES:
        if candidate.exists():
            return ImageFont.truetype(str(candidate), size)
    return ImageFont.load_default(size=size)


PHOTO_BOX: Final = (28, 132, 268, 432)  # 240 x 300 px: 20.3 x 25.4 mm at 300 dpi


def _front(credential: Credential, photo: bytes | None) -> Image.Image:
    width, _ = CARD_PX
    image = Image.new("RGB", CARD_PX, "#fdfdf8")
    draw = ImageDraw.Draw(image)
    colour = BAND_COLOUR.get(credential.issuer, "#333333")
    draw.rectangle((0, 0, width, 110), fill=colour)
    draw.text(
        (28, 18), ISSUER_NAME.get(credential.issuer, credential.issuer), font=_font(26), fill="#fff"
    )
    draw.text((28, 60), TITLE[credential.type], font=_font(24), fill="#fff")
    left, top, right, bottom = PHOTO_BOX
    if photo is not None:
        portrait = Image.open(io.BytesIO(photo)).convert("RGB")
        image.paste(
            portrait.resize((right - left, bottom - top), Image.Resampling.LANCZOS), (left, top)
        )
    else:
        draw.rectangle(PHOTO_BOX, fill="#eeeeee", outline="#999999")
        draw.text((left + 20, (top + bottom) // 2), NO_PHOTO, font=_font(18), fill="#555")
    y = 132
    for line in card_lines(credential):
        draw.text((300, y), line.label, font=_font(18), fill="#555")
        draw.text((300, y + 22), line.value, font=_font(26), fill="#111")
        y += 80
    return image


def _back(token: str) -> Image.Image:
    width, height = CARD_PX
    image = Image.new("RGB", CARD_PX, "#fdfdf8")
    draw = ImageDraw.Draw(image)
    # A whole number of pixels per module keeps every module the same size for scanners.
    modules = int(qr(token).symbol_size(scale=1, border=4)[0])
    code = Image.open(io.BytesIO(qr_png(token, scale=max(1, (height - 90) // modules))))
    side = code.size[0]
    image.paste(code, ((width - side) // 2, 12))
    for row, note in enumerate(BACK_NOTE):
        box = draw.textbbox((0, 0), note, font=_font(20))
        draw.text(
            ((width - box[2]) // 2, height - 70 + row * 28), note, font=_font(20), fill="#333"
        )
    return image


def _png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, format="PNG", dpi=(300, 300))
    return out.getvalue()


def card_png(credential: Credential, token: str, photo: bytes | None = None) -> bytes:
    """Front above back, one 300 dpi image, as a holder sees it on a phone."""
    width, height = CARD_PX
    sheet = Image.new("RGB", (width, height * 2 + 24), "#ffffff")
    sheet.paste(_front(credential, photo), (0, 0))
    sheet.paste(_back(token), (0, height + 24))
    return _png(sheet)


def card_pdf(credential: Credential, token: str, photo: bytes | None = None) -> bytes:
    """Two ID-1 pages (front, back) at 300 dpi: print double-sided at true size."""
    pdf = FPDF(unit="mm", format=CARD_MM)
    pdf.set_margins(0, 0, 0)
    pdf.set_auto_page_break(auto=False)
    pdf.set_title(f"{TITLE[credential.type]} {credential.number}")
    pdf.set_creator("Corredor")
    for face in (_front(credential, photo), _back(token)):
        pdf.add_page()
        pdf.image(io.BytesIO(_png(face)), x=0, y=0, w=CARD_MM[0], h=CARD_MM[1])
    return bytes(pdf.output())
