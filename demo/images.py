"""Placeholder pictures for the demo shops, drawn with Pillow.

The same arguments always give the same picture: the little randomness there is (where the nuts
fall, how big the berries are) is seeded from the arguments. Names are written in Chinese when
fontconfig knows a Chinese font; otherwise the English name is written with Pillow's own font.
Each function returns the encoded file (JPEG for photos, PNG for logos).
"""

from __future__ import annotations

import io
import math
import random
import shutil
import subprocess
from functools import cache, lru_cache, partial
from typing import TYPE_CHECKING, NamedTuple

from PIL import Image, ImageDraw, ImageFont, ImageOps

if TYPE_CHECKING:
    from collections.abc import Callable

    Color = tuple[int, ...]
    Motif = Callable[[ImageDraw.ImageDraw, float, float, float, Color, random.Random], None]

PRODUCT_SIZE = (800, 600)
PRODUCER_SIZE = (400, 400)
LOGO_SIZE = (512, 512)
SCALE = 2  # drawn at twice the size and scaled down, for smooth edges
JPEG_QUALITY = 80

WHITE = (255, 255, 255)
BLACK = (0, 0, 0)


class Caption(NamedTuple):
    lines: list[tuple[str, ImageFont.ImageFont, tuple[float, float, float, float]]]
    height: int
    gap: int


def hex_to_rgb(value: str) -> Color:
    return tuple(int(value[i : i + 2], 16) for i in (1, 3, 5))


def mix(a: Color, b: Color, t: float) -> Color:
    """The colour ``t`` of the way from ``a`` to ``b``."""
    return tuple(round(x + (y - x) * t) for x, y in zip(a, b, strict=True))


# Fonts ------------------------------------------------------------------------------------------


@cache
def chinese_font_file() -> tuple[str, int] | None:
    """The Simplified Chinese font fontconfig knows (file, face index), bold SC faces first."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return None
    try:
        listing = subprocess.run(
            [fc_list, ":lang=zh-cn", "--format", "%{file}\t%{index}\t%{family}\t%{style}\n"],
            capture_output=True,
            text=True,
            check=True,
            timeout=10,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    faces = [line.split("\t") for line in listing.splitlines() if line.count("\t") == 3]
    if not faces:
        return None

    def preference(face: list[str]) -> tuple[bool, bool, str, str]:
        file, index, family, style = face
        simplified = " SC" in family or "WenQuanYi" in family or "CN" in family
        return (not simplified, "Bold" not in style, file, index)

    file, index, _, _ = min(faces, key=preference)
    return file, int(index or 0)


@cache
def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    chinese = chinese_font_file()
    if chinese is not None:
        try:
            return ImageFont.truetype(chinese[0], size, index=chinese[1])
        except OSError:
            pass
    return ImageFont.load_default(size)


def _caption(name_zh: str, name_en: str) -> list[tuple[str, int]]:
    """The lines to write under a picture, with their font sizes (before scaling)."""
    if chinese_font_file() is not None:
        return [(text, size) for text, size in ((name_zh, 48), (name_en, 22)) if text]
    return [(name_en, 34)] if name_en else []


def _fitting_font(draw: ImageDraw.ImageDraw, text: str, size: int, width: float) -> ImageFont.ImageFont:
    font = _font(size)
    while size > 12 and draw.textlength(text, font=font) > width:
        size = size * 9 // 10
        font = _font(size)
    return font


def _set_caption(draw: ImageDraw.ImageDraw, width: int, lines: list[tuple[str, int]]) -> Caption:
    """Fit each line to the width; the caption's height is its band across the picture's bottom."""
    gap = 12 * SCALE
    placed = []
    for text, size in lines:
        font = _fitting_font(draw, text, size * SCALE, width * 0.9)
        placed.append((text, font, draw.textbbox((0, 0), text, font=font)))
    height = sum(bottom - top for _, _, (_, top, _, bottom) in placed) + gap * (len(placed) + 1)
    return Caption(placed, height if placed else 0, gap)


def _draw_caption(draw: ImageDraw.ImageDraw, canvas: tuple[int, int], caption: Caption) -> None:
    """Write the lines centred on a dark band across the bottom of the picture."""
    if not caption.lines:
        return
    width, height = canvas
    draw.rectangle((0, height - caption.height, width, height), fill=(0, 0, 0, 110))
    y = height - caption.height + caption.gap
    for text, font, (left, top, right, bottom) in caption.lines:
        draw.text(((width - right - left) / 2, y - top), text, font=font, fill=WHITE)
        y += bottom - top + caption.gap


# Backgrounds ------------------------------------------------------------------------------------


def _background(size: tuple[int, int], top: Color, bottom: Color, glow: Color) -> Image.Image:
    """A vertical gradient with a soft glow in the middle, at drawing size (``SCALE`` times)."""
    gradient = _gradient(size, top, bottom, glow)
    return gradient.resize((size[0] * SCALE, size[1] * SCALE), Image.Resampling.NEAREST)


@lru_cache(maxsize=8)  # a county's pictures share a few backgrounds
def _gradient(size: tuple[int, int], top: Color, bottom: Color, glow: Color) -> Image.Image:
    vertical = Image.linear_gradient("L").resize(size, Image.Resampling.BILINEAR)
    image = Image.composite(Image.new("RGB", size, bottom), Image.new("RGB", size, top), vertical)
    halo = ImageOps.invert(Image.radial_gradient("L")).resize(size, Image.Resampling.BILINEAR)
    return Image.composite(Image.new("RGB", size, glow), image, halo.point(lambda v: v * 9 // 20))


def _encode(image: Image.Image, image_format: str) -> bytes:
    """Scale the drawing down to its real size and encode it."""
    options = {"quality": JPEG_QUALITY} if image_format == "JPEG" else {}
    buffer = io.BytesIO()
    image.reduce(SCALE).save(buffer, image_format, optimize=True, **options)
    return buffer.getvalue()


# Motifs: each draws one object centred on (x, y), about 2 * s across ------------------------------


def _leaf_outline(x: float, y: float, length: float, width: float, angle: float) -> list[tuple[float, float]]:
    """A pointed leaf growing from (x, y) in the direction ``angle`` (radians, y downwards)."""
    dx, dy = math.cos(angle), math.sin(angle)
    steps = [i / 16 for i in range(17)]
    side = [(t * length, math.sin(math.pi * t) ** 0.8 * width / 2) for t in steps]
    left = [(x + dx * a - dy * b, y + dy * a + dx * b) for a, b in side]
    right = [(x + dx * a + dy * b, y + dy * a - dx * b) for a, b in reversed(side)]
    return left + right


def _jar(draw: ImageDraw.ImageDraw, x: float, y: float, s: float, accent: Color, rng: random.Random) -> None:
    honey, edge, label = (232, 160, 32), (150, 90, 20), (255, 248, 232)
    draw.rounded_rectangle(
        (x - 0.62 * s, y - 0.55 * s, x + 0.62 * s, y + s),
        0.22 * s,
        fill=honey,
        outline=edge,
        width=round(0.04 * s),
    )
    draw.rounded_rectangle(
        (x - 0.5 * s, y - 0.85 * s, x + 0.5 * s, y - 0.5 * s),
        0.08 * s,
        fill=mix(accent, BLACK, 0.35),
    )
    draw.rounded_rectangle((x - 0.45 * s, y - 0.1 * s, x + 0.45 * s, y + 0.55 * s), 0.06 * s, fill=label)
    draw.regular_polygon((x, y + 0.22 * s, 0.2 * s), 6, fill=honey)
    draw.rounded_rectangle(
        (x - 0.52 * s, y - 0.42 * s, x - 0.4 * s, y + 0.85 * s), 0.06 * s, fill=(255, 222, 150, 150)
    )


def _nuts(draw: ImageDraw.ImageDraw, x: float, y: float, s: float, accent: Color, rng: random.Random) -> None:
    shell, kernel, edge = (128, 78, 42), (238, 216, 172), (88, 52, 28)
    spots = sorted(
        ((x + rng.uniform(-0.62, 0.62) * s, y + rng.uniform(-0.5, 0.6) * s) for _ in range(12)),
        key=lambda p: p[1],
    )
    for px, py in spots:
        w, h = 0.19 * s, 0.27 * s
        draw.ellipse(
            (px - w, py - h, px + w, py + h),
            fill=rng.choice((shell, kernel)),
            outline=edge,
            width=round(0.025 * s),
        )
        draw.ellipse((px - 0.3 * w, py - 0.95 * h, px + 0.3 * w, py - 0.55 * h), fill=edge)
        draw.ellipse((px - 0.65 * w, py - 0.4 * h, px - 0.25 * w, py + 0.3 * h), fill=(255, 255, 255, 60))


def _leaf(draw: ImageDraw.ImageDraw, x: float, y: float, s: float, accent: Color, rng: random.Random) -> None:
    vein = (190, 225, 140)
    base_x, base_y = x, y + 0.9 * s
    draw.line(((base_x, base_y), (base_x, base_y + 0.2 * s)), fill=(70, 110, 50), width=round(0.06 * s))
    for angle, length, colour in (
        (-2.25, 1.45 * s, (52, 112, 48)),
        (-0.9, 1.45 * s, (76, 140, 60)),
        (-1.57, 1.7 * s, (126, 182, 80)),
    ):
        draw.polygon(_leaf_outline(base_x, base_y, length, 0.34 * length, angle), fill=colour)
        tip = (base_x + math.cos(angle) * length * 0.9, base_y + math.sin(angle) * length * 0.9)
        draw.line(((base_x, base_y), tip), fill=vein, width=round(0.03 * s))


def _bowl(draw: ImageDraw.ImageDraw, x: float, y: float, s: float, accent: Color, rng: random.Random) -> None:
    porcelain, blue, rice = (246, 246, 240), (44, 86, 160), (252, 252, 246)
    rim = y + 0.2 * s
    draw.chord(
        (x - 0.8 * s, rim - 0.7 * s, x + 0.8 * s, rim + 0.7 * s),
        180,
        360,
        fill=rice,
        outline=(222, 220, 208),
        width=round(0.02 * s),
    )
    for _ in range(16):
        gx, gy = x + rng.uniform(-0.55, 0.55) * s, rim - rng.uniform(0.08, 0.45) * s
        draw.ellipse((gx - 0.05 * s, gy - 0.025 * s, gx + 0.05 * s, gy + 0.025 * s), fill=(232, 228, 214))
    draw.chord((x - 0.95 * s, rim - 0.8 * s, x + 0.95 * s, rim + 0.8 * s), 0, 180, fill=porcelain)
    draw.arc(
        (x - 0.88 * s, rim - 0.68 * s, x + 0.88 * s, rim + 0.68 * s),
        20,
        160,
        fill=blue,
        width=round(0.07 * s),
    )
    draw.rounded_rectangle(
        (x - 0.32 * s, rim + 0.72 * s, x + 0.32 * s, rim + 0.86 * s), 0.04 * s, fill=porcelain
    )


def _grain(
    draw: ImageDraw.ImageDraw, x: float, y: float, s: float, accent: Color, rng: random.Random
) -> None:
    stalk, grain, husk = (150, 130, 60), (232, 192, 82), (190, 146, 50)
    for offset in (-0.4, 0.0, 0.4):
        bend = rng.uniform(0.35, 0.6)
        points = [
            (x + offset * s + bend * s * t * t, y + s - 1.9 * s * t) for t in (i / 12 for i in range(13))
        ]
        draw.line(points, fill=stalk, width=round(0.035 * s), joint="curve")
        for px, py in points[5:]:
            for side in (-1, 1):
                gx = px + side * 0.09 * s
                draw.ellipse(
                    (gx - 0.06 * s, py - 0.1 * s, gx + 0.06 * s, py + 0.1 * s),
                    fill=grain,
                    outline=husk,
                )


def _mushroom(
    draw: ImageDraw.ImageDraw, x: float, y: float, s: float, accent: Color, rng: random.Random
) -> None:
    cap, stem, gills, spot = (176, 112, 60), (240, 228, 204), (214, 192, 150), (206, 150, 96)
    for dx, dy, k in ((0.18, -0.15, 1.0), (-0.5, 0.3, 0.62)):
        cx, cy, r = x + dx * s, y + dy * s, k * 0.72 * s
        draw.rounded_rectangle(
            (cx - 0.26 * r, cy - 0.2 * r, cx + 0.26 * r, cy + 1.1 * r), 0.14 * r, fill=stem
        )
        draw.ellipse((cx - r, cy - 0.3 * r, cx + r, cy), fill=gills)
        draw.chord((cx - r, cy - 0.8 * r, cx + r, cy + 0.5 * r), 180, 360, fill=cap)
        for _ in range(4):
            sx, sy = cx + rng.uniform(-0.6, 0.6) * r, cy - rng.uniform(0.3, 0.6) * r
            draw.ellipse((sx - 0.08 * r, sy - 0.05 * r, sx + 0.08 * r, sy + 0.05 * r), fill=spot)


def _fungus(
    draw: ImageDraw.ImageDraw, x: float, y: float, s: float, accent: Color, rng: random.Random
) -> None:
    dark, edge, sheen = (48, 36, 34), (96, 74, 66), (140, 120, 112)
    spots = sorted(
        ((x + rng.uniform(-0.5, 0.5) * s, y + rng.uniform(-0.4, 0.5) * s) for _ in range(7)),
        key=lambda p: p[1],
    )
    for ex, ey in spots:
        r = rng.uniform(0.28, 0.42) * s
        lobes = [
            (
                ex + r * math.cos(a) * (0.8 + 0.2 * math.sin(5 * a)),
                ey + 0.75 * r * math.sin(a) * (0.8 + 0.2 * math.sin(5 * a)),
            )
            for a in (i * math.pi / 24 for i in range(48))
        ]
        draw.polygon(lobes, fill=dark, outline=edge, width=round(0.03 * s))
        draw.arc(
            (ex - 0.6 * r, ey - 0.5 * r, ex + 0.4 * r, ey + 0.3 * r),
            200,
            290,
            fill=sheen,
            width=round(0.03 * s),
        )


def _berries(
    draw: ImageDraw.ImageDraw, x: float, y: float, s: float, accent: Color, rng: random.Random
) -> None:
    berry, bloom, crown = (58, 72, 140), (128, 146, 206), (28, 32, 66)
    draw.polygon(_leaf_outline(x, y - 0.1 * s, 0.95 * s, 0.34 * s, -0.6), fill=(86, 150, 80))
    spots = sorted(
        ((x + rng.uniform(-0.55, 0.55) * s, y + rng.uniform(-0.3, 0.6) * s) for _ in range(9)),
        key=lambda p: p[1],
    )
    for bx, by in spots:
        r = rng.uniform(0.17, 0.24) * s
        draw.ellipse((bx - r, by - r, bx + r, by + r), fill=berry)
        draw.ellipse((bx - 0.6 * r, by - 0.65 * r, bx - 0.15 * r, by - 0.2 * r), fill=bloom)
        draw.regular_polygon((bx + 0.25 * r, by + 0.1 * r, 0.22 * r), 5, fill=crown)


def _fruit(
    draw: ImageDraw.ImageDraw,
    x: float,
    y: float,
    s: float,
    accent: Color,
    rng: random.Random,
    *,
    skin: Color,
    blush: Color,
) -> None:
    for fx, fy, r in (
        (x + 0.45 * s, y + 0.25 * s, 0.5 * s),
        (x - 0.15 * s, y - 0.05 * s, 0.72 * s),
    ):
        draw.line(
            ((fx, fy - 0.85 * r), (fx + 0.1 * r, fy - 1.2 * r)),
            fill=(96, 70, 40),
            width=round(0.08 * r),
        )
        draw.polygon(
            _leaf_outline(fx + 0.08 * r, fy - 1.05 * r, 0.9 * r, 0.38 * r, -0.35),
            fill=(80, 146, 70),
        )
        draw.ellipse((fx - r, fy - 0.92 * r, fx + r, fy + r), fill=skin)
        draw.ellipse((fx - 0.9 * r, fy - 0.6 * r, fx + 0.2 * r, fy + 0.8 * r), fill=(*blush, 120))
        draw.ellipse((fx + 0.2 * r, fy - 0.6 * r, fx + 0.55 * r, fy - 0.25 * r), fill=(255, 255, 255, 90))


def _cup(draw: ImageDraw.ImageDraw, x: float, y: float, s: float, accent: Color, rng: random.Random) -> None:
    porcelain, saucer, tea = (248, 246, 238), (222, 216, 202), (168, 70, 32)
    draw.ellipse((x - 0.95 * s, y + 0.55 * s, x + 0.95 * s, y + 0.92 * s), fill=saucer)
    draw.chord((x - 0.7 * s, y - 0.55 * s, x + 0.7 * s, y + 0.85 * s), 0, 180, fill=porcelain)
    draw.arc(
        (x - 0.64 * s, y - 0.45 * s, x + 0.64 * s, y + 0.75 * s),
        30,
        150,
        fill=mix(accent, BLACK, 0.2),
        width=round(0.05 * s),
    )
    draw.ellipse(
        (x - 0.7 * s, y + 0.05 * s, x + 0.7 * s, y + 0.28 * s),
        fill=tea,
        outline=porcelain,
        width=round(0.04 * s),
    )
    for dx in (-0.3, 0.0, 0.3):
        phase = rng.uniform(0, math.pi)
        steam = [
            (x + dx * s + 0.08 * s * math.sin(phase + 7 * t), y - 0.05 * s - 0.8 * s * t)
            for t in (i / 12 for i in range(13))
        ]
        draw.line(steam, fill=(255, 255, 255, 150), width=round(0.04 * s), joint="curve")


def _bottle(
    draw: ImageDraw.ImageDraw, x: float, y: float, s: float, accent: Color, rng: random.Random
) -> None:
    oil, glass, label = (214, 170, 40), (130, 104, 36), (255, 248, 232)
    draw.rounded_rectangle(
        (x - 0.16 * s, y - 0.8 * s, x + 0.16 * s, y - 0.2 * s),
        0.05 * s,
        fill=oil,
        outline=glass,
        width=round(0.03 * s),
    )
    draw.rounded_rectangle(
        (x - 0.45 * s, y - 0.38 * s, x + 0.45 * s, y + s),
        0.2 * s,
        fill=oil,
        outline=glass,
        width=round(0.03 * s),
    )
    draw.rounded_rectangle(
        (x - 0.2 * s, y - 0.98 * s, x + 0.2 * s, y - 0.76 * s),
        0.04 * s,
        fill=mix(accent, BLACK, 0.35),
    )
    draw.rounded_rectangle((x - 0.36 * s, y + 0.05 * s, x + 0.36 * s, y + 0.6 * s), 0.05 * s, fill=label)
    draw.regular_polygon((x, y + 0.32 * s, 0.16 * s), 5, fill=(232, 120, 120))
    draw.ellipse((x - 0.05 * s, y + 0.27 * s, x + 0.05 * s, y + 0.37 * s), fill=(248, 210, 80))
    draw.rounded_rectangle(
        (x - 0.36 * s, y - 0.25 * s, x - 0.26 * s, y + 0.9 * s), 0.05 * s, fill=(255, 236, 160, 140)
    )


def _box(draw: ImageDraw.ImageDraw, x: float, y: float, s: float, accent: Color, rng: random.Random) -> None:
    red, ribbon = (178, 38, 38), accent
    draw.rectangle((x - 0.75 * s, y - 0.2 * s, x + 0.75 * s, y + 0.9 * s), fill=red)
    draw.rectangle((x - 0.85 * s, y - 0.45 * s, x + 0.85 * s, y - 0.15 * s), fill=mix(red, WHITE, 0.12))
    draw.rectangle((x - 0.1 * s, y - 0.45 * s, x + 0.1 * s, y + 0.9 * s), fill=ribbon)
    for side in (-1, 1):
        draw.ellipse(
            (
                x + side * 0.42 * s - 0.28 * s,
                y - 0.8 * s,
                x + side * 0.42 * s + 0.28 * s,
                y - 0.45 * s,
            ),
            outline=ribbon,
            width=round(0.09 * s),
        )
    draw.ellipse((x - 0.14 * s, y - 0.6 * s, x + 0.14 * s, y - 0.36 * s), fill=ribbon)


def _shoot(
    draw: ImageDraw.ImageDraw, x: float, y: float, s: float, accent: Color, rng: random.Random
) -> None:
    sheaths = ((186, 138, 82), (150, 104, 58), (214, 178, 118), (170, 124, 70))
    draw.ellipse((x - 0.62 * s, y + 0.78 * s, x + 0.62 * s, y + s), fill=(236, 224, 190))
    for i, colour in enumerate(sheaths):
        half = 0.6 * s * (1 - 0.2 * i)
        lean = rng.uniform(-0.15, 0.15) * s
        draw.polygon(
            ((x - half, y + 0.9 * s), (x + half, y + 0.9 * s), (x + lean, y - s + 0.22 * i * s)),
            fill=colour,
        )
        draw.line(
            ((x - half * 0.6, y + 0.9 * s), (x + lean * 0.7, y - 0.6 * s + 0.22 * i * s)),
            fill=mix(colour, BLACK, 0.2),
            width=round(0.02 * s),
        )


def _slab(draw: ImageDraw.ImageDraw, x: float, y: float, s: float, accent: Color, rng: random.Random) -> None:
    rind, lean, fat = (92, 44, 22), (132, 50, 32), (238, 208, 162)
    draw.line(
        ((x - 0.55 * s, y - 0.42 * s), (x - 0.55 * s, y - 0.95 * s)),
        fill=(200, 180, 140),
        width=round(0.03 * s),
    )
    draw.rounded_rectangle((x - 0.85 * s, y - 0.45 * s, x + 0.85 * s, y + 0.6 * s), 0.08 * s, fill=lean)
    draw.rounded_rectangle((x - 0.85 * s, y - 0.45 * s, x + 0.85 * s, y - 0.28 * s), 0.06 * s, fill=rind)
    for top in (-0.18, 0.12, 0.4):
        wobble = rng.uniform(-0.03, 0.03) * s
        draw.rectangle(
            (x - 0.85 * s, y + top * s + wobble, x + 0.85 * s, y + (top + 0.08) * s + wobble),
            fill=fat,
        )


MOTIFS: dict[str, Motif] = {
    "jar": _jar,
    "nuts": _nuts,
    "leaf": _leaf,
    "bowl": _bowl,
    "grain": _grain,
    "mushroom": _mushroom,
    "fungus": _fungus,
    "berries": _berries,
    "peach": partial(_fruit, skin=(250, 190, 64), blush=(232, 92, 56)),
    "orange": partial(_fruit, skin=(244, 142, 32), blush=(232, 110, 20)),
    "cup": _cup,
    "bottle": _bottle,
    "box": _box,
    "shoot": _shoot,
    "slab": _slab,
}

# Where the motifs go in a product's first, second and third picture: (x, y, size) as fractions
# of the width and of the height left above the caption.
_LAYOUTS = (
    ((0.5, 0.52, 0.36),),
    ((0.72, 0.62, 0.2), (0.4, 0.5, 0.32)),
    tuple((x, y, 0.15) for y in (0.3, 0.72) for x in (0.2, 0.5, 0.8)),
)


# Pictures ---------------------------------------------------------------------------------------


def product_image(name_zh: str, name_en: str, *, motif: str, number: int, primary: str, accent: str) -> bytes:
    """Picture ``number`` (from 1) of a product: its motif on the county's colours, and its name."""
    rng = random.Random(f"{name_zh}/{motif}/{number}")
    primary_rgb, accent_rgb = hex_to_rgb(primary), hex_to_rgb(accent)
    canvas = (PRODUCT_SIZE[0] * SCALE, PRODUCT_SIZE[1] * SCALE)
    top = mix(primary_rgb, WHITE, 0.6) if number % 2 else mix(accent_rgb, WHITE, 0.45)
    image = _background(PRODUCT_SIZE, top, primary_rgb, mix(accent_rgb, WHITE, 0.5))
    draw = ImageDraw.Draw(image, "RGBA")
    caption = _set_caption(draw, canvas[0], _caption(name_zh, name_en))
    free_height = canvas[1] - caption.height
    layout = _LAYOUTS[(number - 1) % len(_LAYOUTS)]
    jitter = 0.03 if len(layout) > 2 else 0.0
    for fx, fy, fs in layout:
        x = (fx + rng.uniform(-jitter, jitter)) * canvas[0]
        y = (fy + rng.uniform(-jitter, jitter)) * free_height
        MOTIFS[motif](draw, x, y, fs * free_height, accent_rgb, rng)
    _draw_caption(draw, canvas, caption)
    return _encode(image, "JPEG")


# Work clothes for the producers' portraits: indigo, madder red, leaf green, earth brown, slate.
_CLOTHES = ((52, 84, 140), (172, 60, 50), (70, 122, 72), (140, 96, 60), (84, 92, 104))


def producer_photo(name_zh: str, name_en: str, *, kind: str, primary: str, accent: str) -> bytes:
    """A portrait placeholder: one farmer, or a group for a co-operative, in front of the hills."""
    rng = random.Random(f"{name_zh}/{kind}")
    primary_rgb, accent_rgb = hex_to_rgb(primary), hex_to_rgb(accent)
    width, height = canvas = (PRODUCER_SIZE[0] * SCALE, PRODUCER_SIZE[1] * SCALE)
    image = _background(PRODUCER_SIZE, mix(accent_rgb, WHITE, 0.55), primary_rgb, mix(accent_rgb, WHITE, 0.7))
    draw = ImageDraw.Draw(image, "RGBA")
    caption = _set_caption(draw, width, _caption(name_zh, name_en))
    ground = height - caption.height
    ridge = [(x * width / 8, ground * rng.uniform(0.42, 0.6)) for x in range(9)]
    draw.polygon([*ridge, (width, height), (0, height)], fill=(*mix(primary_rgb, WHITE, 0.3), 160))
    people = ((0.5, 1.0),) if kind == "farmer" else ((0.24, 0.78), (0.76, 0.78), (0.5, 1.0))
    for fx, scale in people:
        x, r = fx * width, scale * 0.16 * width
        draw.chord(
            (x - 1.6 * r, ground - 1.7 * r, x + 1.6 * r, ground + 1.7 * r),
            180,
            360,
            fill=rng.choice(_CLOTHES),
        )
        draw.ellipse((x - 0.72 * r, ground - 3.05 * r, x + 0.72 * r, ground - 1.6 * r), fill=(246, 214, 178))
        if rng.random() < 0.6:  # a bamboo hat
            draw.polygon(
                (
                    (x - 1.3 * r, ground - 2.6 * r),
                    (x + 1.3 * r, ground - 2.6 * r),
                    (x, ground - 3.5 * r),
                ),
                fill=(224, 192, 120),
            )
    _draw_caption(draw, canvas, caption)
    return _encode(image, "JPEG")


def county_logo(name_zh: str, name_en: str, *, primary: str, accent: str) -> bytes:
    """A round badge in the county's colours: hills, a sun, and the first character of its name."""
    primary_rgb, accent_rgb = hex_to_rgb(primary), hex_to_rgb(accent)
    n = LOGO_SIZE[0] * SCALE
    badge = Image.new("RGB", (n, n), primary_rgb)
    draw = ImageDraw.Draw(badge)
    draw.ellipse((0.6 * n, 0.16 * n, 0.76 * n, 0.32 * n), fill=accent_rgb)
    hills = ((0, 0.8), (0.28, 0.58), (0.5, 0.74), (0.74, 0.56), (1, 0.78), (1, 1), (0, 1))
    draw.polygon([(px * n, py * n) for px, py in hills], fill=mix(primary_rgb, WHITE, 0.18))
    glyph = name_zh[:1] if chinese_font_file() is not None else name_en[:1].upper()
    font = _font(round(0.4 * n))
    left, top, right, bottom = draw.textbbox((0, 0), glyph, font=font)
    draw.text(((n - right - left) / 2, 0.46 * n - (top + bottom) / 2), glyph, font=font, fill=WHITE)
    draw.ellipse((0.035 * n, 0.035 * n, 0.965 * n, 0.965 * n), outline=accent_rgb, width=round(0.035 * n))
    mask = Image.new("L", (n, n), 0)
    ImageDraw.Draw(mask).ellipse((0, 0, n - 1, n - 1), fill=255)
    badge.putalpha(mask)
    return _encode(badge, "PNG")
