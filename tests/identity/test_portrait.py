"""A holder's photo, checked and cut to the card's sizes: every refusal names the field `photo`
and its reason; the camera's orientation is applied and nothing but the pixels is kept; the
thumbnail fits the QR code's budget, the same bytes every time."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image, ImageChops

from corredor.identity.domain.portrait import (
    MAX_BYTES,
    MAX_PIXELS,
    NOT_AN_IMAGE,
    PRINTED_SIZE,
    THUMBNAIL_BUDGET,
    THUMBNAIL_SIZE,
    TOO_LARGE,
    TOO_SMALL,
    UNSUPPORTED_TYPE,
    PhotoRefused,
    centre_crop_box,
    normalise,
)

PORTRAIT = Path(__file__).resolve().parents[1] / "fixtures" / "portrait.jpg"
GPS_TAG, ORIENTATION_TAG, MAKE_TAG = 0x8825, 0x0112, 0x010F


def encoded(image: Image.Image, fmt: str, **options: object) -> bytes:
    out = io.BytesIO()
    image.save(out, format=fmt, **options)
    return out.getvalue()


def refusal(data: bytes) -> PhotoRefused:
    with pytest.raises(PhotoRefused) as refused:
        normalise(data)
    assert refused.value.field == "photo"
    assert str(refused.value).startswith("photo: ")
    return refused.value


def test_the_fixture_gives_a_printed_photo_and_a_thumbnail_within_budget() -> None:
    photo = normalise(PORTRAIT.read_bytes())
    printed = Image.open(io.BytesIO(photo.printed))
    assert (printed.format, printed.size, printed.mode) == ("JPEG", PRINTED_SIZE, "RGB")
    thumbnail = Image.open(io.BytesIO(photo.thumbnail))
    assert (thumbnail.format, thumbnail.size) == ("WEBP", THUMBNAIL_SIZE)
    assert len(photo.thumbnail) <= THUMBNAIL_BUDGET
    # greyscale: every pixel's three channels are (nearly) equal
    red, green, blue = thumbnail.convert("RGB").split()
    assert ImageChops.difference(red, green).getextrema()[1] <= 8
    assert ImageChops.difference(green, blue).getextrema()[1] <= 8
    assert 10 <= photo.thumbnail_quality <= 50


def test_the_same_photo_gives_the_same_bytes() -> None:
    data = PORTRAIT.read_bytes()
    assert normalise(data) == normalise(data)


@pytest.mark.parametrize("fmt", ["PNG", "WEBP"])
def test_png_and_webp_are_accepted_too(fmt: str) -> None:
    image = Image.open(PORTRAIT).convert("RGBA" if fmt == "PNG" else "RGB")
    photo = normalise(encoded(image, fmt))
    assert Image.open(io.BytesIO(photo.printed)).size == PRINTED_SIZE


def test_the_type_is_read_from_the_bytes_not_the_name() -> None:
    gif = encoded(Image.new("RGB", (300, 400), "white"), "GIF")
    assert refusal(gif).reason == UNSUPPORTED_TYPE
    assert refusal(encoded(Image.new("RGB", (300, 400)), "BMP")).reason == UNSUPPORTED_TYPE
    assert refusal(encoded(Image.new("RGB", (300, 400)), "TIFF")).reason == UNSUPPORTED_TYPE


@pytest.mark.parametrize(
    "data",
    [b"", b"hello, this is not a photo", b"%PDF-1.7\n", PORTRAIT.read_bytes()[:600]],
    ids=["empty", "text", "pdf", "truncated-jpeg"],
)
def test_what_is_not_an_image_is_refused(data: bytes) -> None:
    assert refusal(data).reason == NOT_AN_IMAGE


def test_a_file_over_5_mb_is_refused_before_it_is_opened() -> None:
    assert refusal(b"\xff\xd8\xff" + b"\0" * MAX_BYTES).reason == TOO_LARGE


def test_a_decompression_bomb_is_refused_from_its_header() -> None:
    # a few kilobytes of PNG that claim 8000x8000 (64 megapixels, over the cap)
    side = 8000
    assert side * side > MAX_PIXELS
    bomb = encoded(Image.new("L", (side, side)), "PNG", optimize=True)
    assert len(bomb) < MAX_BYTES
    assert refusal(bomb).reason == TOO_LARGE


def test_a_photo_smaller_than_240_by_300_is_refused() -> None:
    small = Image.open(PORTRAIT).resize((239, 300))
    assert refusal(encoded(small, "JPEG")).reason == TOO_SMALL
    assert refusal(encoded(Image.open(PORTRAIT).resize((240, 299)), "PNG")).reason == TOO_SMALL
    normalise(encoded(Image.open(PORTRAIT).resize((240, 300)), "PNG"))  # exactly enough


def test_orientation_is_applied_and_every_metadata_is_stripped() -> None:
    # the camera stored the portrait on its side (landscape pixels) with "rotate 90" in EXIF,
    # plus where and with what it was taken
    upright = Image.open(PORTRAIT)
    sideways = upright.transpose(Image.Transpose.ROTATE_90)  # 400x320
    exif = Image.Exif()
    exif[ORIENTATION_TAG] = 6  # the viewer turns it 90 degrees clockwise
    exif[MAKE_TAG] = "PhoneMaker"
    exif[GPS_TAG] = {1: "N", 2: (19.0, 25.0, 0.0), 3: "W", 4: (99.0, 8.0, 0.0)}
    data = encoded(sideways, "JPEG", exif=exif.tobytes(), comment=b"desk 4", icc_profile=b"")
    assert Image.open(io.BytesIO(data)).getexif()[GPS_TAG]  # the GPS is really in the upload
    photo = normalise(data)
    for stored in (photo.printed, photo.thumbnail):
        image = Image.open(io.BytesIO(stored))
        assert dict(image.getexif()) == {}
        assert not {"exif", "icc_profile", "comment", "xmp"} & set(image.info)
        assert b"PhoneMaker" not in stored
        assert b"Exif" not in stored
    # turned upright: the result matches the upright original's, not the sideways pixels'
    expected = Image.open(io.BytesIO(normalise(PORTRAIT.read_bytes()).printed)).convert("L")
    got = Image.open(io.BytesIO(photo.printed)).convert("L")
    difference = ImageChops.difference(got, expected).tobytes()
    assert sum(difference) / len(difference) < 8  # JPEG noise, not a rotation


@pytest.mark.parametrize(
    ("size", "box"),
    [
        ((400, 500), (0, 0, 400, 500)),  # already 4:5
        ((1000, 500), (300, 0, 700, 500)),  # wide: the sides trimmed
        ((400, 1000), (0, 250, 400, 750)),  # tall: top and bottom trimmed
    ],
)
def test_the_crop_is_the_largest_4_to_5_box_at_the_centre(
    size: tuple[int, int], box: tuple[int, int, int, int]
) -> None:
    assert centre_crop_box(*size) == box


def test_the_minimum_size_is_judged_upright() -> None:
    # 300x240 pixels stored sideways (EXIF "rotate 90"): 240x300 once upright, enough
    sideways = Image.open(PORTRAIT).resize((240, 300)).transpose(Image.Transpose.ROTATE_90)
    exif = Image.Exif()
    exif[ORIENTATION_TAG] = 6
    photo = normalise(encoded(sideways, "JPEG", exif=exif.tobytes()))
    assert Image.open(io.BytesIO(photo.printed)).size == PRINTED_SIZE
    # the same pixels without the tag are 300 wide and 240 high: too small
    assert refusal(encoded(sideways, "JPEG")).reason == TOO_SMALL


def test_a_phone_sized_photo_gives_the_same_two_sizes() -> None:
    phone = Image.open(PORTRAIT).resize((3024, 3780))
    photo = normalise(encoded(phone, "JPEG", quality=90))
    assert Image.open(io.BytesIO(photo.printed)).size == PRINTED_SIZE
    assert Image.open(io.BytesIO(photo.thumbnail)).size == THUMBNAIL_SIZE
    assert len(photo.thumbnail) <= THUMBNAIL_BUDGET
