"""A holder's photo as the INM desk takes it: checked, turned upright, stripped of everything but
the pixels, and cut to the two sizes the card needs.

- `printed`: the 4:5 centre crop at 300x375 px, an RGB JPEG (quality 85), printed on the card;
- `thumbnail`: the same crop at 48x60 px in greyscale, a WebP small enough
  (`THUMBNAIL_BUDGET` bytes) to travel signed inside the card's QR code, so a checker offline
  can compare the face in front of them.

The type is read from the bytes (never the file's name); the pixel count is checked from the
header before any pixel is decoded (a small file can claim a huge image); the camera's
orientation is applied, then nothing of the file but its pixels is kept: no EXIF (no GPS, no
device, no time), no ICC profile, no comments. Same input, same bytes out.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass
from typing import Final

from PIL import Image, ImageOps, UnidentifiedImageError

FIELD: Final = "photo"
ACCEPTED: Final = ("JPEG", "PNG", "WEBP")
MAX_BYTES: Final = 5 * 1024 * 1024  # 5 MB
MIN_WIDTH, MIN_HEIGHT = 240, 300
MAX_PIXELS: Final = 40_000_000  # a 40-megapixel camera; more is refused before decoding
PRINTED_SIZE: Final = (300, 375)
PRINTED_QUALITY: Final = 85
THUMBNAIL_SIZE: Final = (48, 60)
THUMBNAIL_BUDGET: Final = 400  # bytes, inside the QR code
THUMBNAIL_QUALITIES: Final = tuple(range(50, 9, -5))  # 50, 45, ... 10
ASPECT: Final = (4, 5)
# a JPEG is decoded at the smallest of 1/2, 1/4, 1/8 of its size that keeps both sides at least
# this large: twice the printed photo's longer side, whichever way the camera was held
DECODE_AT: Final = (750, 750)
ORIENTATION_TAG: Final = 0x0112
TURNED: Final = frozenset({5, 6, 7, 8})  # EXIF orientations that swap width and height

# Other image formats people may send, known by their first bytes: "unsupported type" rather
# than "not an image" (Pillow is never asked to parse them).
OTHER_IMAGES: Final[tuple[tuple[int, bytes], ...]] = (
    (0, b"GIF8"),
    (0, b"BM"),
    (0, b"II*\x00"),
    (0, b"MM\x00*"),
    (4, b"ftypheic"),
    (4, b"ftypheix"),
    (4, b"ftypmif1"),
    (4, b"ftypavif"),
    (0, b"\x00\x00\x01\x00"),  # ICO
    (0, b"<svg"),
    (0, b"<?xml"),
)

NOT_AN_IMAGE: Final = "not_an_image"
TOO_LARGE: Final = "too_large"
TOO_SMALL: Final = "too_small"
UNSUPPORTED_TYPE: Final = "unsupported_type"
TOO_DETAILED: Final = "too_detailed"

MESSAGES: Final = {
    NOT_AN_IMAGE: "not an image: send a JPEG, PNG or WebP photo",
    TOO_LARGE: f"too large: at most {MAX_BYTES // (1024 * 1024)} MB and {MAX_PIXELS:,} pixels",
    TOO_SMALL: f"too small: at least {MIN_WIDTH}x{MIN_HEIGHT} pixels",
    UNSUPPORTED_TYPE: "unsupported type: send a JPEG, PNG or WebP photo",
    TOO_DETAILED: f"no small copy fits in {THUMBNAIL_BUDGET} bytes: take a plainer photo",
}


class PhotoRefused(ValueError):
    """Why a photo cannot be used; `field` is always `photo`, `reason` one of the codes above."""

    def __init__(self, reason: str) -> None:
        super().__init__(f"{FIELD}: {MESSAGES[reason]}")
        self.field = FIELD
        self.reason = reason
        self.message = MESSAGES[reason]


@dataclass(frozen=True)
class NormalisedPhoto:
    printed: bytes  # JPEG, 300x375, RGB
    thumbnail: bytes  # WebP, 48x60, greyscale, at most THUMBNAIL_BUDGET bytes
    thumbnail_quality: int


def _open(data: bytes) -> Image.Image:
    if not data:
        raise PhotoRefused(NOT_AN_IMAGE)
    if len(data) > MAX_BYTES:
        raise PhotoRefused(TOO_LARGE)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=ACCEPTED)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise PhotoRefused(TOO_LARGE) from error
    except UnidentifiedImageError as error:
        if any(data[at : at + len(magic)] == magic for at, magic in OTHER_IMAGES):
            raise PhotoRefused(UNSUPPORTED_TYPE) from error
        raise PhotoRefused(NOT_AN_IMAGE) from error
    except (OSError, ValueError, SyntaxError) as error:
        raise PhotoRefused(NOT_AN_IMAGE) from error
    width, height = image.size  # from the header: nothing decoded yet
    if width * height > MAX_PIXELS:
        raise PhotoRefused(TOO_LARGE)
    return image


def _upright_size(image: Image.Image) -> tuple[int, int]:
    """The size the photo has once turned as the camera meant (from the header)."""
    width, height = image.size
    try:
        orientation = image.getexif().get(ORIENTATION_TAG, 1)
    except (OSError, ValueError, SyntaxError, EOFError):
        orientation = 1
    return (height, width) if orientation in TURNED else (width, height)


def _upright_pixels(image: Image.Image) -> Image.Image:
    """The decoded pixels turned as the camera meant, in RGB, as a new image that carries no
    metadata at all (`info` empty: no EXIF, no ICC profile, no comment). A large JPEG is
    decoded at a reduced scale (still at least `DECODE_AT` on each side): a phone's 12
    megapixels need not all be decoded to make a 300x375 photo."""
    if image.format == "JPEG":
        image.draft("RGB", DECODE_AT)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image.load()
            turned = ImageOps.exif_transpose(image)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise PhotoRefused(TOO_LARGE) from error
    except (OSError, ValueError, SyntaxError, EOFError) as error:
        raise PhotoRefused(NOT_AN_IMAGE) from error
    if turned.mode in ("RGBA", "LA", "PA") or (
        turned.mode == "P" and "transparency" in turned.info
    ):
        rgba = turned.convert("RGBA")
        flat = Image.new("RGB", rgba.size, (255, 255, 255))
        flat.paste(rgba, mask=rgba.getchannel("A"))
        turned = flat
    rgb = turned.convert("RGB")
    return Image.frombytes("RGB", rgb.size, rgb.tobytes())


def centre_crop_box(width: int, height: int) -> tuple[int, int, int, int]:
    """The largest 4:5 box at the centre of a width x height image."""
    across, down = ASPECT
    if width * down > height * across:  # too wide: trim the sides
        crop_width = height * across // down
        left = (width - crop_width) // 2
        return left, 0, left + crop_width, height
    crop_height = width * down // across  # too tall: trim top and bottom
    top = (height - crop_height) // 2
    return 0, top, width, top + crop_height


def _thumbnail(crop: Image.Image) -> tuple[bytes, int]:
    small = crop.resize(THUMBNAIL_SIZE, Image.Resampling.LANCZOS).convert("L")
    for quality in THUMBNAIL_QUALITIES:
        out = io.BytesIO()
        small.save(out, format="WEBP", quality=quality, method=6, exact=False)
        if len(out.getvalue()) <= THUMBNAIL_BUDGET:
            return out.getvalue(), quality
    raise PhotoRefused(TOO_DETAILED)


def normalise(data: bytes) -> NormalisedPhoto:
    """The printed photo and the thumbnail of an uploaded photo; `PhotoRefused` naming the
    reason when it cannot be used."""
    image = _open(data)
    width, height = _upright_size(image)
    if width < MIN_WIDTH or height < MIN_HEIGHT:
        raise PhotoRefused(TOO_SMALL)
    pixels = _upright_pixels(image)
    width, height = pixels.size
    crop = pixels.crop(centre_crop_box(width, height))
    printed = io.BytesIO()
    crop.resize(PRINTED_SIZE, Image.Resampling.LANCZOS).save(
        printed, format="JPEG", quality=PRINTED_QUALITY
    )
    thumbnail, quality = _thumbnail(crop)
    return NormalisedPhoto(printed.getvalue(), thumbnail, quality)
