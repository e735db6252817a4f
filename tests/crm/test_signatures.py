"""The signature drawn on screen, checked on the server (crm.signatures)."""

import base64
import io

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from PIL import Image, ImageDraw, PngImagePlugin

from crm.signatures import MAX_BYTES, MAX_SIDE, clean_signature


def _png(size=(600, 200), *, ink=True, background=(0, 0, 0, 0), info=None) -> bytes:
    image = Image.new("RGBA", size, background)
    if ink:
        ImageDraw.Draw(image).line([(20, 150), (200, 40), (400, 160)], fill=(17, 24, 39), width=5)
    output = io.BytesIO()
    image.save(output, format="PNG", pnginfo=info)
    return output.getvalue()


def _url(data: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(data).decode()


def _refused(data_url: str) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        clean_signature(data_url)
    return caught.value


def test_a_drawn_signature_is_re_encoded_keeping_only_the_pixels():
    """R-CMP-04, R-REP-03, R-BIL-02: the drawing is kept as a clean PNG, nothing else."""
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "<script>alert(1)</script>")
    original = _png(info=info) + b"trailing bytes"
    kept = clean_signature(_url(original))
    assert kept.startswith(b"\x89PNG\r\n\x1a\n")
    assert b"<script>" not in kept and b"trailing bytes" not in kept
    with Image.open(io.BytesIO(kept)) as image:
        assert image.format == "PNG" and image.size == (600, 200)
        assert image.convert("RGBA").getpixel((200, 40))[3] == 255
        assert "Comment" not in image.info


@pytest.mark.parametrize(
    "background",
    [(0, 0, 0, 0), (255, 255, 255, 255)],
    ids=["transparent", "white"],
)
def test_a_blank_pad_is_refused(background):
    error = _refused(_url(_png(ink=False, background=background)))
    assert error.code == "signature_blank"


def test_a_dot_is_not_a_signature():
    image = Image.new("RGBA", (600, 200), (0, 0, 0, 0))
    image.putpixel((10, 10), (0, 0, 0, 255))
    output = io.BytesIO()
    image.save(output, format="PNG")
    assert _refused(_url(output.getvalue())).code == "signature_blank"


@pytest.mark.parametrize(
    "data_url",
    [
        "data:image/jpeg;base64," + base64.b64encode(_png()).decode(),  # wrong type announced
        _url(b"GIF89a not a png at all"),  # another format behind the PNG prefix
        "data:image/png;base64,%%%not base64%%%",
        _url(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64),  # a PNG signature, then garbage
        _url(b""),  # nothing at all after the prefix
    ],
    ids=["jpeg-url", "gif", "not-base64", "broken-png", "empty"],
)
def test_what_is_not_a_png_is_refused(data_url):
    assert _refused(data_url).code == "signature_unreadable"


def test_a_jpeg_behind_a_png_prefix_is_refused():
    image = Image.new("RGB", (600, 200), (255, 255, 255))
    ImageDraw.Draw(image).line([(20, 150), (400, 160)], fill=(0, 0, 0), width=5)
    output = io.BytesIO()
    image.save(output, format="JPEG")
    assert _refused(_url(output.getvalue())).code == "signature_unreadable"


def test_an_oversize_image_is_refused():
    assert _refused(_url(_png(size=(MAX_SIDE + 1, 100)))).code == "signature_too_large"
    assert _refused(_url(_png(size=(100, MAX_SIDE + 1)))).code == "signature_too_large"
    assert _refused(_url(b"\x89PNG\r\n\x1a\n" + b"\x00" * MAX_BYTES)).code == (
        "signature_too_large"
    )


def test_the_messages_are_in_the_users_language():
    with translation.override("zh-hans"):
        assert _refused(_url(_png(ink=False))).messages == ["签名框是空的：请客户在框内签名。"]
        assert _refused(_url(b"GIF89a")).messages == ["无法读取签名，请重新签名。"]
        assert _refused(_url(_png(size=(MAX_SIDE + 1, 100)))).messages == [
            "签名图片过大，请清除后重新签名。"
        ]
    with translation.override("en"):
        assert _refused(_url(_png(ink=False))).messages == [
            "The signature box is empty: ask the customer to sign in it."
        ]
