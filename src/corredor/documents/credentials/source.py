"""Where a presented document comes from: the QR text itself, a file, or a photo of the QR.

`corredor verify` takes what a checkpoint has in hand: the token pasted or piped in, a .txt
file holding it, the JSON form (its `credential` field), or an image of the QR code (PNG or
JPEG, decoded with zxing-cpp).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Final

import zxingcpp
from PIL import Image, UnidentifiedImageError

IMAGE_SUFFIXES: Final = frozenset({".png", ".jpg", ".jpeg", ".gif", ".bmp", ".webp"})


class SourceError(ValueError):
    """Nothing readable was presented."""


def decode_qr_image(path: Path) -> str:
    try:
        with Image.open(path) as image:
            found = [
                code
                for code in zxingcpp.read_barcodes(image)
                if code.format == zxingcpp.BarcodeFormat.QRCode
            ]
    except (OSError, UnidentifiedImageError) as error:
        raise SourceError(f"{path}: not a readable image ({error})") from None
    if not found:
        raise SourceError(f"{path}: no QR code found in the image")
    return str(found[0].text)


def _is_file(path: Path) -> bool:
    try:
        return path.is_file()
    except OSError:  # a long token is no file name the system accepts
        return False


def read_token(presented: str, stdin_text: str | None = None) -> str:
    """The token from the argument: '-' for standard input, a file path, or the token itself."""
    if presented == "-":
        return (stdin_text or "").strip()
    path = Path(presented)
    if _is_file(path):
        if path.suffix.lower() in IMAGE_SUFFIXES:
            return decode_qr_image(path)
        text = path.read_text(encoding="utf-8", errors="replace").strip()
        if path.suffix.lower() == ".json" or text.startswith("{"):
            try:
                data = json.loads(text)
            except json.JSONDecodeError:
                raise SourceError(f"{path}: not valid JSON") from None
            if not isinstance(data, dict) or not isinstance(data.get("credential"), str):
                raise SourceError(f"{path}: a JSON document needs a 'credential' field")
            return str(data["credential"])
        return text
    return presented.strip()
