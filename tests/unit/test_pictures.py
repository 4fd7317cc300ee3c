"""Pictures checked by content and stored in the shop's widths (storefront.media), and the one
Jinja macro that shows them (templates/partials/picture.html)."""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from PIL import Image

from storefront.media import processing
from storefront.media.names import WIDTHS, picture_set, stored_files
from storefront.media.processing import PictureRefused, process, remove_pictures, store_picture
from storefront.web import create_environment


def jpeg_bytes(size: tuple[int, int], *, orientation: int | None = None, gps: bool = False) -> bytes:
    """A red photo with a blue top-left corner, with EXIF (a camera make, maybe an orientation and GPS)."""
    image = Image.new("RGB", size, (220, 40, 40))
    image.paste((0, 0, 255), (0, 0, max(1, size[0] // 4), max(1, size[1] // 4)))
    exif = Image.Exif()
    exif[0x010F] = "Phone maker"
    if orientation:
        exif[0x0112] = orientation
    if gps:
        exif[0x8825] = {1: "N", 2: (45.0, 30.0, 0.0)}
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes(), quality=90)
    return out.getvalue()


def png_bytes(size: tuple[int, int], mode: str = "RGBA") -> bytes:
    image = Image.new(mode, size, (0, 0, 0, 0) if mode == "RGBA" else 0)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def bomb_png(width: int, height: int) -> bytes:
    """A tiny PNG whose header declares ``width`` x ``height`` pixels."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0" * 64))
        + chunk(b"IEND", b"")
    )


def truncated(data: bytes) -> bytes:
    return data[: len(data) * 2 // 3]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", processing.NO_FILE),
        (b"GIF89a not what we take", processing.NOT_A_PICTURE),
        (b"%PDF-1.7\n" + b"0" * 4000, processing.NOT_A_PICTURE),
        (b"\xff\xd8\xff" + bytes(processing.MAX_BYTES), processing.TOO_LARGE),
        (bomb_png(20000, 20000), processing.TOO_MANY_PIXELS),  # over Pillow's own bomb limit
        (bomb_png(8000, 6000), processing.TOO_MANY_PIXELS),  # 48 megapixels: under Pillow's, over ours
        (truncated(jpeg_bytes((1600, 1200))), processing.DAMAGED),
        (truncated(png_bytes((800, 600), "RGB")), processing.DAMAGED),
        (png_bytes((1, 20000), "L"), processing.TOO_NARROW),  # taller than WebP can hold
        (png_bytes((70000, 2), "L"), processing.TOO_NARROW),
        (png_bytes((1101, 100), "RGB"), processing.TOO_NARROW),
    ],
    ids=[
        "empty",
        "gif",
        "pdf",
        "9mb",
        "bomb",
        "48mp",
        "cut-jpeg",
        "cut-png",
        "1x20000",
        "70000x2",
        "11-to-1",
    ],
)
def test_what_is_not_a_picture_we_take_is_refused_with_its_reason(data, message):
    with pytest.raises(PictureRefused) as refused:
        process(data)
    assert refused.value.message == message


def test_a_long_panorama_within_ten_to_one_is_taken():
    processed = process(png_bytes((2000, 200), "RGB"))
    assert processed is not None


def test_a_gif_is_refused_even_though_pillow_reads_it():
    out = io.BytesIO()
    Image.new("RGB", (10, 10)).save(out, "GIF")
    with pytest.raises(PictureRefused):
        process(out.getvalue())


def test_a_photo_is_turned_upright_stripped_and_sized_never_upscaled():
    processed = process(jpeg_bytes((1600, 1200), orientation=6, gps=True))
    assert [rendition.size for rendition in processed.renditions] == [
        (320, 427),
        (640, 853),
        (960, 1280),
        (1200, 1600),
    ]
    for rendition in processed.renditions:
        for content, kind in ((rendition.jpeg, "JPEG"), (rendition.webp, "WEBP")):
            with Image.open(io.BytesIO(content)) as image:
                assert image.format == kind and image.size == rendition.size
                assert not image.getexif() and "exif" not in image.info and "xmp" not in image.info
                assert image.convert("RGB").getpixel((rendition.size[0] - 2, 2))[2] > 200  # blue: top right
    assert [r.size for r in process(jpeg_bytes((300, 200))).renditions] == [(300, 200)]
    assert [r.size for r in process(jpeg_bytes((4000, 3000))).renditions][-1] == (WIDTHS[-1], 960)


def test_a_transparent_png_is_laid_on_white():
    processed = process(png_bytes((400, 400)))
    with Image.open(io.BytesIO(processed.renditions[-1].jpeg)) as image:
        assert image.getpixel((10, 10)) == (255, 255, 255)


async def test_stored_under_the_countys_folder_with_unguessable_names_and_removed(tmp_path):
    first = await store_picture(jpeg_bytes((1000, 750)), tmp_path, 7, "products")
    second = await store_picture(jpeg_bytes((1000, 750)), tmp_path, 7, "products")
    assert first.path != second.path and (first.width, first.height) == (1000, 750)
    assert first.path.startswith("uploads/7/products/") and first.path.endswith("-1000x750.jpg")
    files = stored_files(first.path)
    assert len(files) == 8 and all((tmp_path / name).is_file() for name in files)
    await remove_pictures(tmp_path, first.path, None)
    assert not any((tmp_path / name).exists() for name in files)
    assert all((tmp_path / name).exists() for name in stored_files(second.path))
    with pytest.raises(PictureRefused):
        await store_picture(b"nope", tmp_path, 7, "products")
    assert len(list(tmp_path.rglob("*.*"))) == 8


def test_a_path_tells_its_sizes_and_other_paths_are_one_file():
    found = picture_set("uploads/3/products/" + "a" * 32 + "-700x350.jpg")
    assert found.width == 700 and found.height == 350
    assert found.jpeg_srcset.split(", ") == [
        f"/media/uploads/3/products/{'a' * 32}-320x160.jpg 320w",
        f"/media/uploads/3/products/{'a' * 32}-640x320.jpg 640w",
        f"/media/uploads/3/products/{'a' * 32}-700x350.jpg 700w",
    ]
    assert found.webp_srcset.count(".webp") == 3
    demo = picture_set("counties/raohe/products/honey-1.jpg")
    assert demo.src == "/media/counties/raohe/products/honey-1.jpg" and not demo.webp_srcset
    assert stored_files("counties/raohe/logo.png") == ["counties/raohe/logo.png"]
    assert picture_set(None) is None and stored_files("") == []


def test_the_macro_gives_webp_sources_srcset_and_reserved_room():
    env = create_environment()
    macro = env.from_string(
        '{% from "partials/picture.html" import picture %}'
        "{{ picture(path, alt, sizes='50vw', width=800, height=600, lazy=lazy) }}"
    )
    html = macro.render(
        path="uploads/3/products/" + "b" * 32 + "-1280x960.jpg", alt='Honey "jar"', lazy=False
    )
    assert html.startswith('<picture style="display: contents"><source type="image/webp" srcset="')
    assert 'sizes="50vw"' in html and 'width="1280" height="960"' in html and "loading" not in html
    assert 'alt="Honey &#34;jar&#34;"' in html and "-320x240.jpg 320w" in html
    legacy = macro.render(path="counties/raohe/products/honey-1.jpg", alt="Honey", lazy=True)
    assert legacy == (
        '<img src="/media/counties/raohe/products/honey-1.jpg" alt="Honey" width="800" height="600"'
        ' loading="lazy" decoding="async">'
    )
    assert 'src="/static/img/placeholder.svg"' in macro.render(path=None, alt="", lazy=True)


@pytest.mark.parametrize("mode", ["L", "LA", "P", "1", "I;16", "CMYK", "RGBA"])
def test_every_colour_mode_comes_out_as_rgb(mode):
    image = Image.new(mode, (64, 48))
    out = io.BytesIO()
    image.save(out, "JPEG" if mode == "CMYK" else "WEBP" if mode == "RGBA" else "PNG")
    processed = process(out.getvalue())
    with Image.open(io.BytesIO(processed.renditions[-1].jpeg)) as stored:
        assert stored.mode == "RGB" and stored.size == (64, 48)
