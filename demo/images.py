"""Pictures for the demo shops, drawn with Pillow: shapes, gradients and shading, never words.

Each product has a picture of its own (a honey jar, a honeycomb, a bag of rice, a heap of red beans,
a can of peaches...): a motif of :data:`MOTIFS`, named per product or per category in the county
files. Each county gets a banner for its home (its hills under its sky, with its specialties in
front) and a round logo badge holding the first character of its name (the only letter drawn,
written in Chinese when fontconfig knows a Chinese font). The same arguments always give the same
picture: the little randomness there is (where the nuts fall, how big the berries are) is seeded
from the arguments. Each function returns the picture at its real size; the seed stores it as the
shop stores an upload (:mod:`storefront.media.processing`: every width, JPEG and WebP).
"""

from __future__ import annotations

import math
import random
import shutil
import subprocess
from functools import cache, lru_cache, partial
from typing import TYPE_CHECKING

from PIL import Image, ImageDraw, ImageFont, ImageOps

if TYPE_CHECKING:
    from collections.abc import Callable

    Color = tuple[int, ...]
    Motif = Callable[[ImageDraw.ImageDraw, float, float, float, Color, random.Random], None]

PRODUCT_SIZE = (800, 600)
PRODUCER_SIZE = (400, 400)
LOGO_SIZE = (512, 512)
BANNER_SIZE = (1280, 400)
SCALE = 2  # drawn at twice the size and scaled down, for smooth edges

WHITE = (255, 255, 255)
BLACK = (0, 0, 0)


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


def _finished(image: Image.Image) -> Image.Image:
    """The drawing scaled down to its real size (smooth edges)."""
    return image.reduce(SCALE)


# Motifs: each draws one object centred on (x, y), about 2 * s across ------------------------------


def _leaf_outline(x: float, y: float, length: float, width: float, angle: float) -> list[tuple[float, float]]:
    """A pointed leaf growing from (x, y) in the direction ``angle`` (radians, y downwards)."""
    dx, dy = math.cos(angle), math.sin(angle)
    steps = [i / 16 for i in range(17)]
    side = [(t * length, math.sin(math.pi * t) ** 0.8 * width / 2) for t in steps]
    left = [(x + dx * a - dy * b, y + dy * a + dx * b) for a, b in side]
    right = [(x + dx * a + dy * b, y + dy * a - dx * b) for a, b in reversed(side)]
    return left + right


def _trapezoid(
    draw: ImageDraw.ImageDraw,
    x: float,
    y: float,
    s: float,
    bottom: tuple[float, float],
    top: tuple[float, float],
    fill: Color,
) -> None:
    """A shape symmetric about x: ``bottom`` and ``top`` are each edge's (half width, height), in ``s``."""
    (bottom_half, bottom_y), (top_half, top_y) = bottom, top
    corners = ((-bottom_half, bottom_y), (bottom_half, bottom_y), (top_half, top_y), (-top_half, top_y))
    draw.polygon([(x + dx * s, y + dy * s) for dx, dy in corners], fill=fill)


def _jar(
    draw: ImageDraw.ImageDraw,
    x: float,
    y: float,
    s: float,
    accent: Color,
    rng: random.Random,
    *,
    honey: Color = (232, 160, 32),
) -> None:
    edge, label = mix(honey, BLACK, 0.4), (255, 248, 232)
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


def _bowl(
    draw: ImageDraw.ImageDraw,
    x: float,
    y: float,
    s: float,
    accent: Color,
    rng: random.Random,
    *,
    rice: Color = (252, 252, 246),
    grain: Color = (232, 228, 214),
) -> None:
    porcelain, blue = (246, 246, 240), (44, 86, 160)
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
        draw.ellipse((gx - 0.05 * s, gy - 0.025 * s, gx + 0.05 * s, gy + 0.025 * s), fill=grain)
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
    draw: ImageDraw.ImageDraw,
    x: float,
    y: float,
    s: float,
    accent: Color,
    rng: random.Random,
    *,
    oil: Color = (214, 170, 40),
) -> None:
    glass, label = mix(oil, BLACK, 0.4), (255, 248, 232)
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


def _honeycomb(
    draw: ImageDraw.ImageDraw, x: float, y: float, s: float, accent: Color, rng: random.Random
) -> None:
    wax, honey, frame = (246, 196, 72), (214, 132, 20), (150, 104, 52)
    draw.rounded_rectangle((x - s, y - 0.75 * s, x + s, y + 0.75 * s), 0.06 * s, fill=frame)
    r = 0.15 * s
    for row in range(-4, 5):
        for col in range(-6, 7):
            cx = x + col * 1.5 * r
            cy = y + row * 1.732 * r + (0.866 * r if col % 2 else 0)
            if abs(cx - x) < 0.9 * s and abs(cy - y) < 0.65 * s:
                filled = rng.random() < 0.7
                draw.regular_polygon((cx, cy, 0.92 * r), 6, fill=honey if filled else wax, outline=wax)
    for _ in range(3):
        dx = x + rng.uniform(-0.7, 0.7) * s
        draw.ellipse((dx - 0.05 * s, y + 0.72 * s, dx + 0.05 * s, y + 0.9 * s), fill=honey)


def _crock(
    draw: ImageDraw.ImageDraw, x: float, y: float, s: float, accent: Color, rng: random.Random
) -> None:
    clay, shade, cloth = (160, 84, 44), (118, 58, 30), mix(accent, (200, 40, 40), 0.5)
    draw.ellipse((x - 0.85 * s, y - 0.55 * s, x + 0.85 * s, y + s), fill=clay)
    draw.chord((x - 0.85 * s, y - 0.55 * s, x + 0.85 * s, y + s), 60, 150, fill=shade)
    draw.rounded_rectangle((x - 0.45 * s, y - 0.75 * s, x + 0.45 * s, y - 0.45 * s), 0.05 * s, fill=clay)
    _trapezoid(draw, x, y, s, (0.62, -0.55), (0.4, -1.0), fill=cloth)
    draw.line(
        ((x - 0.55 * s, y - 0.6 * s), (x + 0.55 * s, y - 0.6 * s)),
        fill=(236, 210, 140),
        width=round(0.05 * s),
    )
    draw.ellipse((x - 0.55 * s, y - 0.3 * s, x - 0.35 * s, y + 0.3 * s), fill=(255, 255, 255, 50))


def _dipper(
    draw: ImageDraw.ImageDraw, x: float, y: float, s: float, accent: Color, rng: random.Random
) -> None:
    wood, honey = (176, 124, 70), (236, 160, 30)
    draw.chord((x - 0.9 * s, y + 0.1 * s, x + 0.9 * s, y + 1.0 * s), 0, 180, fill=(246, 240, 226))
    draw.ellipse((x - 0.82 * s, y + 0.32 * s, x + 0.82 * s, y + 0.62 * s), fill=honey)
    draw.line(((x + 0.2 * s, y - 0.15 * s), (x + 0.95 * s, y - 1.0 * s)), fill=wood, width=round(0.09 * s))
    for i in range(5):
        cy = y - 0.05 * s - i * 0.09 * s
        draw.ellipse(
            (x - 0.22 * s + i * 0.06 * s, cy - 0.12 * s, x + 0.22 * s + i * 0.06 * s, cy + 0.12 * s),
            fill=mix(wood, honey, 0.5 if i % 2 else 0.1),
            outline=mix(wood, BLACK, 0.3),
        )
    draw.line(((x, y + 0.05 * s), (x, y + 0.45 * s)), fill=honey, width=round(0.06 * s))


def _glass_jar(
    draw: ImageDraw.ImageDraw, x: float, y: float, s: float, accent: Color, rng: random.Random
) -> None:
    syrup, peach, lid = (250, 226, 150), (248, 176, 40), mix(accent, BLACK, 0.3)
    draw.rounded_rectangle(
        (x - 0.6 * s, y - 0.7 * s, x + 0.6 * s, y + s),
        0.16 * s,
        fill=syrup,
        outline=(210, 190, 130),
        width=round(0.03 * s),
    )
    draw.rounded_rectangle((x - 0.5 * s, y - 0.98 * s, x + 0.5 * s, y - 0.68 * s), 0.06 * s, fill=lid)
    for px, py in ((-0.25, -0.35), (0.25, -0.2), (-0.2, 0.25), (0.28, 0.4), (0.0, 0.7)):
        cx, cy, r = x + px * s, y + py * s, 0.27 * s
        draw.chord((cx - r, cy - r, cx + r, cy + r), 0, 180, fill=peach)
        draw.ellipse((cx - 0.35 * r, cy - 0.2 * r, cx + 0.35 * r, cy + 0.3 * r), fill=(232, 120, 30))
    draw.rounded_rectangle(
        (x - 0.5 * s, y - 0.6 * s, x - 0.4 * s, y + 0.85 * s), 0.05 * s, fill=(255, 255, 255, 110)
    )


def _jam(
    draw: ImageDraw.ImageDraw,
    x: float,
    y: float,
    s: float,
    accent: Color,
    rng: random.Random,
    *,
    jam: Color,
) -> None:
    cloth, check = (246, 240, 228), mix(accent, (200, 40, 40), 0.6)
    draw.rounded_rectangle((x - 0.6 * s, y - 0.4 * s, x + 0.6 * s, y + 0.9 * s), 0.12 * s, fill=jam)
    draw.ellipse((x - 0.5 * s, y - 0.25 * s, x - 0.28 * s, y + 0.6 * s), fill=(255, 255, 255, 70))
    _trapezoid(draw, x, y, s, (0.8, -0.4), (0.55, -0.8), fill=cloth)
    for i in range(-3, 4):
        draw.line(
            ((x + i * 0.18 * s, y - 0.8 * s), (x + i * 0.22 * s, y - 0.4 * s)),
            fill=check,
            width=round(0.05 * s),
        )
    draw.line(((x - 0.75 * s, y - 0.45 * s), (x + 0.75 * s, y - 0.45 * s)), fill=check, width=round(0.05 * s))
    draw.line(
        ((x + 0.65 * s, y + 0.9 * s), (x + 1.05 * s, y + 0.35 * s)),
        fill=(200, 200, 206),
        width=round(0.06 * s),
    )
    draw.ellipse((x + 0.55 * s, y + 0.78 * s, x + 0.8 * s, y + 0.98 * s), fill=jam)


def _juice(
    draw: ImageDraw.ImageDraw, x: float, y: float, s: float, accent: Color, rng: random.Random
) -> None:
    juice = (74, 36, 96)
    _bottle(draw, x - 0.35 * s, y, 0.9 * s, accent, rng, oil=juice)
    glass = (x + 0.35 * s, y + 0.2 * s, x + 0.95 * s, y + s)
    draw.rectangle(glass, fill=(236, 236, 244, 120), outline=(200, 200, 214), width=round(0.03 * s))
    draw.rectangle((x + 0.38 * s, y + 0.42 * s, x + 0.92 * s, y + 0.97 * s), fill=juice)
    _berries_at(draw, x + 0.5 * s, y + 0.95 * s, 0.12 * s, rng, count=3)


def _berries_at(
    draw: ImageDraw.ImageDraw, x: float, y: float, r: float, rng: random.Random, *, count: int
) -> None:
    for i in range(count):
        bx = x + (i - count / 2) * 1.6 * r
        draw.ellipse((bx - r, y - r, bx + r, y + r), fill=(58, 72, 140))
        draw.ellipse((bx - 0.6 * r, y - 0.65 * r, bx - 0.15 * r, y - 0.2 * r), fill=(128, 146, 206))


def _kernels(
    draw: ImageDraw.ImageDraw, x: float, y: float, s: float, accent: Color, rng: random.Random
) -> None:
    dish, kernel = (122, 78, 46), (246, 232, 196)
    draw.ellipse((x - s, y + 0.1 * s, x + s, y + 0.85 * s), fill=dish)
    draw.ellipse((x - 0.88 * s, y + 0.15 * s, x + 0.88 * s, y + 0.7 * s), fill=mix(dish, WHITE, 0.2))
    spots = sorted(
        ((x + rng.uniform(-0.7, 0.7) * s, y + rng.uniform(-0.35, 0.55) * s) for _ in range(40)),
        key=lambda p: p[1],
    )
    for px, py in spots:
        tilt = rng.uniform(-0.04, 0.04) * s
        draw.polygon(
            ((px + tilt, py - 0.12 * s), (px + 0.06 * s, py + 0.05 * s), (px - 0.06 * s, py + 0.05 * s)),
            fill=kernel,
        )
        draw.ellipse(
            (px - 0.06 * s, py - 0.01 * s, px + 0.06 * s, py + 0.09 * s), fill=kernel, outline=(214, 190, 140)
        )


def _hazelnuts(
    draw: ImageDraw.ImageDraw, x: float, y: float, s: float, accent: Color, rng: random.Random
) -> None:
    shell, tip, husk = (150, 92, 42), (208, 168, 110), (140, 170, 80)
    for angle in (-2.6, -0.5):
        draw.polygon(_leaf_outline(x, y - 0.2 * s, 0.9 * s, 0.5 * s, angle), fill=husk)
    spots = sorted(
        ((x + rng.uniform(-0.6, 0.6) * s, y + rng.uniform(-0.3, 0.6) * s) for _ in range(8)),
        key=lambda p: p[1],
    )
    for px, py in spots:
        r = rng.uniform(0.2, 0.25) * s
        draw.ellipse((px - r, py - r, px + r, py + r), fill=shell, outline=mix(shell, BLACK, 0.3))
        draw.chord((px - r, py - r, px + r, py + r), 200, 340, fill=tip)
        draw.ellipse((px - 0.6 * r, py - 0.2 * r, px - 0.25 * r, py + 0.3 * r), fill=(255, 255, 255, 60))


def _lions_mane(
    draw: ImageDraw.ImageDraw, x: float, y: float, s: float, accent: Color, rng: random.Random
) -> None:
    body, spine = (240, 232, 210), (214, 200, 168)
    draw.ellipse((x - 0.8 * s, y - 0.6 * s, x + 0.8 * s, y + 0.8 * s), fill=body)
    for _ in range(160):
        px, py = x + rng.uniform(-0.75, 0.75) * s, y + rng.uniform(-0.5, 0.75) * s
        if ((px - x) / 0.8) ** 2 + ((py - y - 0.1 * s) / 0.7) ** 2 < s * s:
            draw.line(
                ((px, py), (px + rng.uniform(-0.02, 0.02) * s, py + 0.14 * s)),
                fill=spine,
                width=round(0.02 * s),
            )
    draw.ellipse((x - 0.5 * s, y - 0.45 * s, x - 0.1 * s, y - 0.1 * s), fill=(255, 255, 255, 90))


def _oyster(
    draw: ImageDraw.ImageDraw, x: float, y: float, s: float, accent: Color, rng: random.Random
) -> None:
    cap, gill = (186, 150, 92), (236, 216, 170)
    for dx, dy, k in ((-0.35, 0.25, 0.75), (0.35, 0.2, 0.8), (0.0, -0.2, 1.0)):
        cx, cy, r = x + dx * s, y + dy * s, k * 0.6 * s
        draw.pieslice(
            (cx - r, cy - r, cx + r, cy + r),
            180,
            360,
            fill=cap,
            outline=mix(cap, BLACK, 0.3),
            width=round(0.02 * s),
        )
        for a in range(190, 360, 15):
            rad = math.radians(a)
            draw.line(
                ((cx, cy), (cx + 0.9 * r * math.cos(rad), cy + 0.9 * r * math.sin(rad))),
                fill=gill,
                width=round(0.015 * s),
            )
        draw.rounded_rectangle((cx - 0.1 * r, cy, cx + 0.1 * r, cy + 0.5 * r), 0.05 * r, fill=gill)


def _fern(draw: ImageDraw.ImageDraw, x: float, y: float, s: float, accent: Color, rng: random.Random) -> None:
    stem = (104, 120, 52)
    for offset in (-0.5, 0.0, 0.5):
        base = (x + offset * s, y + s)
        top = (x + offset * s + rng.uniform(-0.1, 0.1) * s, y - 0.35 * s)
        draw.line((base, top), fill=stem, width=round(0.07 * s))
        spiral = [
            (top[0] + 0.3 * s * (1 - t) * math.cos(6 * t), top[1] - 0.3 * s * (1 - t) * math.sin(6 * t))
            for t in (i / 30 for i in range(31))
        ]
        draw.line(spiral, fill=stem, width=round(0.07 * s), joint="curve")


def _heap(
    draw: ImageDraw.ImageDraw,
    x: float,
    y: float,
    s: float,
    accent: Color,
    rng: random.Random,
    *,
    colour: Color,
    grain: tuple[float, float],
    count: int = 140,
    dot: Color | None = None,
) -> None:
    """A mound of grains or beans on a round bamboo tray; ``grain`` is one's (width, height) in ``s``."""
    draw.ellipse((x - 1.05 * s, y + 0.45 * s, x + 1.05 * s, y + 0.95 * s), fill=(196, 160, 96))
    draw.ellipse((x - 0.95 * s, y + 0.5 * s, x + 0.95 * s, y + 0.88 * s), fill=(220, 188, 124))
    w, h = grain[0] * s / 2, grain[1] * s / 2
    spots = []
    for _ in range(count):
        px = rng.uniform(-0.85, 0.85)
        spots.append((x + px * s, y + 0.7 * s - rng.uniform(0, 1.0 - px * px) * 0.95 * s))
    for px, py in sorted(spots, key=lambda p: p[1]):
        shade = mix(colour, BLACK, rng.uniform(0, 0.18))
        draw.ellipse((px - w, py - h, px + w, py + h), fill=shade)
        draw.ellipse((px - 0.5 * w, py - 0.7 * h, px, py - 0.1 * h), fill=mix(shade, WHITE, 0.4))
        if dot is not None:
            draw.ellipse((px + 0.3 * w, py + 0.2 * h, px + 0.9 * w, py + 0.8 * h), fill=dot)


def _sack(
    draw: ImageDraw.ImageDraw,
    x: float,
    y: float,
    s: float,
    accent: Color,
    rng: random.Random,
    *,
    cloth: Color = (226, 210, 170),
) -> None:
    """A cloth bag of rice tied at the top, a green leaf sewn on, rice spilling at its foot."""
    _trapezoid(draw, x, y, s, (0.75, 1.0), (0.6, -0.5), fill=cloth)
    _trapezoid(draw, x, y, s, (0.35, -0.5), (0.45, -0.95), fill=mix(cloth, BLACK, 0.1))
    draw.line(
        ((x - 0.4 * s, y - 0.52 * s), (x + 0.4 * s, y - 0.52 * s)),
        fill=mix(accent, (180, 40, 40), 0.6),
        width=round(0.07 * s),
    )
    for i in range(1, 6):
        draw.line(
            ((x - 0.7 * s, y - 0.5 * s + i * 0.26 * s), (x + 0.7 * s, y - 0.5 * s + i * 0.26 * s)),
            fill=mix(cloth, BLACK, 0.06),
            width=round(0.015 * s),
        )
    draw.polygon(_leaf_outline(x - 0.25 * s, y + 0.45 * s, 0.55 * s, 0.28 * s, -0.6), fill=(70, 140, 70))
    for _ in range(14):
        gx, gy = x + rng.uniform(-1.0, 1.0) * s, y + s + rng.uniform(-0.05, 0.08) * s
        draw.ellipse((gx - 0.04 * s, gy - 0.02 * s, gx + 0.04 * s, gy + 0.02 * s), fill=(250, 248, 238))


def _duck(draw: ImageDraw.ImageDraw, x: float, y: float, s: float, accent: Color, rng: random.Random) -> None:
    water, body, head = (120, 170, 190), (236, 232, 220), (60, 110, 70)
    draw.ellipse((x - 1.0 * s, y + 0.55 * s, x + 1.0 * s, y + 1.0 * s), fill=water)
    _grain(draw, x + 0.55 * s, y - 0.1 * s, 0.55 * s, accent, rng)
    draw.chord((x - 0.7 * s, y - 0.1 * s, x + 0.3 * s, y + 0.9 * s), 0, 180, fill=body)
    draw.ellipse((x - 0.7 * s, y + 0.15 * s, x + 0.3 * s, y + 0.55 * s), fill=body)
    draw.ellipse((x - 0.85 * s, y - 0.3 * s, x - 0.45 * s, y + 0.1 * s), fill=head)
    draw.polygon(
        ((x - 0.85 * s, y - 0.12 * s), (x - 1.05 * s, y - 0.05 * s), (x - 0.85 * s, y + 0.0 * s)),
        fill=(236, 170, 40),
    )
    draw.ellipse((x - 0.72 * s, y - 0.18 * s, x - 0.66 * s, y - 0.12 * s), fill=BLACK)
    draw.arc(
        (x - 0.45 * s, y + 0.2 * s, x + 0.15 * s, y + 0.6 * s),
        180,
        300,
        fill=(180, 176, 166),
        width=round(0.03 * s),
    )


def _tin(draw: ImageDraw.ImageDraw, x: float, y: float, s: float, accent: Color, rng: random.Random) -> None:
    green, gold = (48, 110, 66), (214, 176, 76)
    draw.rectangle((x - 0.5 * s, y - 0.7 * s, x + 0.5 * s, y + 0.9 * s), fill=green)
    draw.ellipse((x - 0.5 * s, y + 0.78 * s, x + 0.5 * s, y + 1.0 * s), fill=green)
    draw.rectangle((x - 0.52 * s, y - 0.85 * s, x + 0.52 * s, y - 0.6 * s), fill=gold)
    draw.ellipse((x - 0.52 * s, y - 0.97 * s, x + 0.52 * s, y - 0.73 * s), fill=mix(gold, WHITE, 0.2))
    draw.line(((x - 0.5 * s, y + 0.6 * s), (x + 0.5 * s, y + 0.6 * s)), fill=gold, width=round(0.05 * s))
    _leaf(draw, x, y - 0.2 * s, 0.35 * s, accent, rng)
    draw.rectangle((x - 0.42 * s, y - 0.55 * s, x - 0.32 * s, y + 0.85 * s), fill=(255, 255, 255, 50))


def _teabag(
    draw: ImageDraw.ImageDraw, x: float, y: float, s: float, accent: Color, rng: random.Random
) -> None:
    paper, tea, tag = (246, 240, 226), (126, 58, 30), mix(accent, (180, 40, 40), 0.6)
    for dx, lean in ((-0.4, -0.2), (0.35, 0.15)):
        bx = x + dx * s
        draw.rounded_rectangle(
            (bx - 0.35 * s, y - 0.2 * s, bx + 0.35 * s, y + 0.8 * s),
            0.05 * s,
            fill=paper,
            outline=(214, 206, 190),
        )
        draw.rounded_rectangle(
            (bx - 0.25 * s, y + 0.05 * s, bx + 0.25 * s, y + 0.7 * s), 0.04 * s, fill=mix(tea, paper, 0.25)
        )
        draw.line(
            ((bx, y - 0.2 * s), (bx + lean * s, y - 0.75 * s)), fill=(200, 196, 186), width=round(0.015 * s)
        )
        draw.rectangle(
            (bx + lean * s - 0.12 * s, y - 0.95 * s, bx + lean * s + 0.12 * s, y - 0.75 * s), fill=tag
        )


def _noodles(
    draw: ImageDraw.ImageDraw,
    x: float,
    y: float,
    s: float,
    accent: Color,
    rng: random.Random,
    *,
    colour: Color,
) -> None:
    """A bundle of dried noodles, loosely tied, on a bamboo mat."""
    draw.rounded_rectangle(
        (x - 1.0 * s, y + 0.55 * s, x + 1.0 * s, y + 0.95 * s), 0.05 * s, fill=(206, 176, 112)
    )
    for i in range(34):
        top = y - 0.75 * s + rng.uniform(-0.05, 0.05) * s
        start = x + rng.uniform(-0.45, 0.45) * s
        wave = [
            (
                start + 0.06 * s * math.sin(8 * t + i) + (0.25 * (t - 0.5) * s if i % 2 else 0),
                top + 1.45 * s * t,
            )
            for t in (k / 16 for k in range(17))
        ]
        draw.line(
            wave, fill=mix(colour, WHITE if i % 3 else BLACK, 0.15), width=round(0.025 * s), joint="curve"
        )
    draw.rounded_rectangle(
        (x - 0.5 * s, y - 0.05 * s, x + 0.5 * s, y + 0.08 * s), 0.04 * s, fill=mix(accent, (190, 40, 40), 0.6)
    )


def _sausages(
    draw: ImageDraw.ImageDraw, x: float, y: float, s: float, accent: Color, rng: random.Random
) -> None:
    meat, fat, string = (150, 40, 36), (226, 170, 150), (230, 220, 200)
    draw.line(((x - s, y - 0.9 * s), (x + s, y - 0.9 * s)), fill=(140, 100, 60), width=round(0.06 * s))
    for i in range(4):
        sx = x + (i - 1.5) * 0.48 * s
        length = rng.uniform(1.2, 1.5) * s
        draw.line(((sx, y - 0.9 * s), (sx, y - 0.75 * s)), fill=string, width=round(0.02 * s))
        draw.rounded_rectangle(
            (sx - 0.17 * s, y - 0.75 * s, sx + 0.17 * s, y - 0.75 * s + length), 0.17 * s, fill=meat
        )
        for _ in range(7):
            fx, fy = sx + rng.uniform(-0.1, 0.1) * s, y - 0.7 * s + rng.uniform(0.05, length / s - 0.1) * s
            draw.ellipse((fx - 0.03 * s, fy - 0.03 * s, fx + 0.03 * s, fy + 0.03 * s), fill=fat)
        draw.line(
            ((sx - 0.1 * s, y - 0.6 * s), (sx - 0.1 * s, y - 0.8 * s + length)),
            fill=(255, 255, 255, 60),
            width=round(0.03 * s),
        )


def _slices(
    draw: ImageDraw.ImageDraw,
    x: float,
    y: float,
    s: float,
    accent: Color,
    rng: random.Random,
    *,
    flesh: Color,
    rim: Color,
) -> None:
    """Crescent slices of fruit scattered on a plate."""
    draw.ellipse(
        (x - 1.05 * s, y - 0.35 * s, x + 1.05 * s, y + 0.95 * s),
        fill=(248, 246, 240),
        outline=(220, 216, 206),
        width=round(0.03 * s),
    )
    for _ in range(9):
        cx, cy = x + rng.uniform(-0.65, 0.65) * s, y + rng.uniform(-0.05, 0.6) * s
        r = rng.uniform(0.2, 0.28) * s
        start = rng.uniform(0, 360)
        draw.pieslice((cx - r, cy - r, cx + r, cy + r), start, start + 140, fill=rim)
        draw.pieslice(
            (cx - 0.85 * r, cy - 0.85 * r, cx + 0.85 * r, cy + 0.85 * r), start + 5, start + 135, fill=flesh
        )


def _strips(
    draw: ImageDraw.ImageDraw,
    x: float,
    y: float,
    s: float,
    accent: Color,
    rng: random.Random,
    *,
    colour: Color,
) -> None:
    """Dried strips (bamboo shoots, sweet potato) lying crosswise in a shallow basket."""
    draw.chord((x - 1.05 * s, y - 0.2 * s, x + 1.05 * s, y + 1.0 * s), 0, 180, fill=(184, 146, 86))
    for i in range(16):
        cx = x + rng.uniform(-0.6, 0.6) * s
        cy = y + rng.uniform(-0.35, 0.4) * s
        angle = rng.uniform(-0.5, 0.5) + (0.4 if i % 2 else -0.4)
        dx, dy = math.cos(angle) * 0.45 * s, math.sin(angle) * 0.45 * s
        draw.line(
            ((cx - dx, cy - dy), (cx + dx, cy + dy)),
            fill=mix(colour, BLACK, rng.uniform(0, 0.25)),
            width=round(0.09 * s),
        )
    draw.chord((x - 1.05 * s, y + 0.0 * s, x + 1.05 * s, y + 1.0 * s), 0, 180, fill=(166, 126, 70))


def _cubes(
    draw: ImageDraw.ImageDraw, x: float, y: float, s: float, accent: Color, rng: random.Random
) -> None:
    """Squares of sour jujube cake, glossy brown, in a paper-lined box."""
    draw.rectangle((x - s, y - 0.4 * s, x + s, y + 0.95 * s), fill=(246, 238, 220))
    cake = (132, 64, 36)
    for row in range(3):
        for col in range(4):
            cx, cy = x + (col - 1.5) * 0.46 * s, y - 0.1 * s + row * 0.42 * s
            d = 0.19 * s
            draw.polygon(
                ((cx, cy - d), (cx + d, cy), (cx, cy + d), (cx - d, cy)),
                fill=mix(cake, BLACK, rng.uniform(0, 0.15)),
            )
            draw.polygon(
                ((cx, cy - d), (cx + d, cy), (cx + 0.4 * d, cy - 0.2 * d)), fill=mix(cake, WHITE, 0.25)
            )


def _terraces(
    draw: ImageDraw.ImageDraw, x: float, y: float, s: float, accent: Color, rng: random.Random
) -> None:
    """A high mountain of tea terraces in the mist."""
    draw.polygon(((x - 1.3 * s, y + s), (x - 0.1 * s, y - 0.9 * s), (x + 1.3 * s, y + s)), fill=(58, 110, 62))
    for i in range(1, 8):
        level = y - 0.9 * s + i * 0.27 * s
        half = (level - (y - 0.9 * s)) / (1.9 * s) * 1.2 * s
        draw.arc(
            (x - 0.1 * s - half, level - 0.12 * s, x - 0.1 * s + half, level + 0.12 * s),
            0,
            180,
            fill=(140, 196, 96),
            width=round(0.05 * s),
        )
    for dy in (-0.4, 0.1):
        draw.rounded_rectangle(
            (x - 1.2 * s, y + dy * s, x + 0.3 * s, y + (dy + 0.1) * s), 0.05 * s, fill=(255, 255, 255, 120)
        )


MOTIFS: dict[str, Motif] = {
    "jar": _jar,
    "snow-honey": partial(_jar, honey=(246, 232, 198)),
    "dark-honey": partial(_jar, honey=(178, 92, 18)),
    "honeycomb": _honeycomb,
    "crock": _crock,
    "dipper": _dipper,
    "nuts": _nuts,
    "kernels": _kernels,
    "hazelnuts": _hazelnuts,
    "leaf": _leaf,
    "terraces": _terraces,
    "tea-tin": _tin,
    "teabag": _teabag,
    "tea-heap": partial(_heap, colour=(86, 112, 56), grain=(0.16, 0.05), count=120),
    "bowl": _bowl,
    "powder": partial(_bowl, rice=(250, 250, 252), grain=(236, 236, 240)),
    "sack": _sack,
    "pouch": partial(_sack, cloth=(214, 176, 120)),
    "duck": _duck,
    "grain": _grain,
    "brown-rice": partial(_heap, colour=(176, 128, 80), grain=(0.1, 0.05)),
    "germ-rice": partial(_heap, colour=(246, 242, 226), grain=(0.1, 0.05), dot=(222, 178, 70)),
    "millet": partial(_heap, colour=(236, 186, 40), grain=(0.05, 0.05), count=260),
    "sticky-millet": partial(_heap, colour=(250, 214, 92), grain=(0.07, 0.06), count=200),
    "soybeans": partial(_heap, colour=(232, 200, 120), grain=(0.14, 0.13), count=90),
    "red-beans": partial(_heap, colour=(150, 34, 40), grain=(0.12, 0.09), count=110),
    "mushroom": _mushroom,
    "lions-mane": _lions_mane,
    "oyster": _oyster,
    "fern": _fern,
    "fungus": _fungus,
    "berries": _berries,
    "juice": _juice,
    "blueberry-jam": partial(_jam, jam=(72, 40, 92)),
    "peach-jam": partial(_jam, jam=(240, 150, 40)),
    "peach": partial(_fruit, skin=(250, 190, 64), blush=(232, 92, 56)),
    "orange": partial(_fruit, skin=(244, 142, 32), blush=(232, 110, 20)),
    "peach-can": _glass_jar,
    "peach-crisps": partial(_slices, flesh=(252, 226, 130), rim=(238, 180, 70)),
    "dried-peach": partial(_slices, flesh=(228, 138, 40), rim=(180, 90, 30)),
    "cup": _cup,
    "bottle": _bottle,
    "oil-pale": partial(_bottle, oil=(236, 204, 96)),
    "box": _box,
    "shoot": _shoot,
    "shoot-strips": partial(_strips, colour=(196, 150, 80)),
    "potato-strips": partial(_strips, colour=(214, 110, 40)),
    "slab": _slab,
    "sausages": _sausages,
    "jujube-cake": _cubes,
    "dark-noodles": partial(_noodles, colour=(86, 66, 70)),
    "glass-noodles": partial(_noodles, colour=(200, 190, 196)),
}

# Where the motifs go in a product's first, second and third picture: (x, y, size) as fractions
# of the width and of the height.
_LAYOUTS = (
    ((0.5, 0.5, 0.36),),
    ((0.72, 0.6, 0.2), (0.4, 0.48, 0.32)),
    tuple((x, y, 0.15) for y in (0.28, 0.72) for x in (0.2, 0.5, 0.8)),
)


# Pictures ---------------------------------------------------------------------------------------


def product_image(name_zh: str, *, motif: str, number: int, primary: str, accent: str) -> Image.Image:
    """Picture ``number`` (from 1) of a product: its motif on the county's colours."""
    rng = random.Random(f"{name_zh}/{motif}/{number}")
    primary_rgb, accent_rgb = hex_to_rgb(primary), hex_to_rgb(accent)
    width, height = PRODUCT_SIZE[0] * SCALE, PRODUCT_SIZE[1] * SCALE
    top = mix(primary_rgb, WHITE, 0.6) if number % 2 else mix(accent_rgb, WHITE, 0.45)
    image = _background(PRODUCT_SIZE, top, primary_rgb, mix(accent_rgb, WHITE, 0.5))
    draw = ImageDraw.Draw(image, "RGBA")
    layout = _LAYOUTS[(number - 1) % len(_LAYOUTS)]
    jitter = 0.03 if len(layout) > 2 else 0.0
    for fx, fy, fs in layout:
        x = (fx + rng.uniform(-jitter, jitter)) * width
        y = (fy + rng.uniform(-jitter, jitter)) * height
        MOTIFS[motif](draw, x, y, fs * height, accent_rgb, rng)
    return _finished(image)


# Work clothes for the producers' portraits: indigo, madder red, leaf green, earth brown, slate.
_CLOTHES = ((52, 84, 140), (172, 60, 50), (70, 122, 72), (140, 96, 60), (84, 92, 104))


def producer_photo(name_zh: str, *, kind: str, primary: str, accent: str) -> Image.Image:
    """A portrait placeholder: one farmer, or a group for a co-operative, in front of the hills."""
    rng = random.Random(f"{name_zh}/{kind}")
    primary_rgb, accent_rgb = hex_to_rgb(primary), hex_to_rgb(accent)
    width, height = PRODUCER_SIZE[0] * SCALE, PRODUCER_SIZE[1] * SCALE
    image = _background(PRODUCER_SIZE, mix(accent_rgb, WHITE, 0.55), primary_rgb, mix(accent_rgb, WHITE, 0.7))
    draw = ImageDraw.Draw(image, "RGBA")
    ground = height
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
    return _finished(image)


def county_banner(name_zh: str, *, motifs: tuple[str, ...], primary: str, accent: str) -> Image.Image:
    """The banner of a county's home: a sun over layered hills in its colours, and its specialties
    (``motifs``, up to four) standing in front, on the right (the left stays calm for a heading)."""
    rng = random.Random(f"{name_zh}/banner")
    primary_rgb, accent_rgb = hex_to_rgb(primary), hex_to_rgb(accent)
    width, height = BANNER_SIZE[0] * SCALE, BANNER_SIZE[1] * SCALE
    image = _background(BANNER_SIZE, mix(accent_rgb, WHITE, 0.7), mix(primary_rgb, WHITE, 0.35), WHITE)
    draw = ImageDraw.Draw(image, "RGBA")
    draw.ellipse(
        (0.62 * width, 0.1 * height, 0.72 * width, 0.1 * height + 0.1 * width), fill=(*accent_rgb, 220)
    )
    for layer, (low, high) in enumerate(((0.35, 0.55), (0.5, 0.7), (0.65, 0.82))):
        ridge = [(x * width / 10, height * rng.uniform(low, high)) for x in range(11)]
        shade = mix(primary_rgb, WHITE, 0.55 - 0.22 * layer)
        draw.polygon([*ridge, (width, height), (0, height)], fill=shade)
    shown = motifs[:4]
    for index, motif in enumerate(shown):
        x = width * (0.58 + 0.38 * (index + 0.5) / len(shown))
        MOTIFS[motif](draw, x, 0.62 * height, 0.2 * height, accent_rgb, rng)
    return _finished(image)


def county_logo(name_zh: str, name_en: str, *, primary: str, accent: str) -> Image.Image:
    """A square badge in the county's colours: hills, a sun, a ring and the first character of its
    name (no transparency: it is stored as JPEG and WebP like every picture, and is the favicon)."""
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
    return _finished(badge)
