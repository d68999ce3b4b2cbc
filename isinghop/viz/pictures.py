"""Patterns from pictures and letters: the inputs of the classic image-memory demonstrations.

Every source ships inside an installed dependency (matplotlib's sample data
and its DejaVu fonts); nothing is downloaded. A pattern is a flat ``int8``
±1 array of ``side²`` sites in row-major order (site ``i`` is pixel
``(i // side, i % side)``); ``pattern.reshape(side, side)`` is the picture.

* :func:`picture_pattern` turns a grey-scale picture into ±1 by its median:
  light pixels +1, dark −1, ties at the median broken by rank (first by
  the grey level of the neighbourhood, a Gaussian blur of width 2 pixels,
  then by row-major order), so exactly half the sites are +1 when
  ``side²`` is even (one more for odd, the median pixel) and a flat
  background splits along its light side. Such
  patterns are unbiased (mean 0) but spatially correlated.
* :func:`letter_patterns` renders capital letters: ink +1, paper −1, at 50 %
  ink coverage. Letters are biased (mostly paper) and strongly correlated
  with one another: the classic failure case of Hebbian learning.
"""

from __future__ import annotations

import string
from dataclasses import dataclass

import numpy as np
from scipy.ndimage import gaussian_filter

from isinghop._validate import numeric_array, positive_int

__all__ = ["SAMPLE_PICTURES", "Picture", "sample_picture", "picture_pattern", "letter_patterns"]

#: Pictures shipped with matplotlib's sample data, by the names :func:`sample_picture` takes.
SAMPLE_PICTURES = {
    "grace_hopper": "grace_hopper.jpg",
    "mri": "s1045.ima.gz",
    "present": "Minduka_Present_Blue_Pack.png",
    "logo": "logo2.png",
}
#: Luminance weights of R, G, B (ITU-R BT.601), used to turn a colour picture grey.
_LUMA = np.array([0.299, 0.587, 0.114])
#: Width (pixels) of the Gaussian blur whose grey levels break ties at the median.
_TIE_BLUR = 2.0
#: Pixels per grid cell at which a letter is drawn before it is averaged down.
_LETTER_OVERSAMPLING = 16


@dataclass(frozen=True, eq=False)
class Picture:
    """A picture turned into a ±1 pattern by :func:`picture_pattern`.

    Attributes
    ----------
    spins : numpy.ndarray
        ``(side², )`` int8, +1 for light pixels; row-major.
    side : int
        Pixels per side.
    threshold : float
        The median grey level (0 black … 1 white) that separates −1 from +1.
    fraction_up : float
        Fraction of sites at +1 (1/2 for an even number of sites).
    """

    spins: np.ndarray
    side: int
    threshold: float
    fraction_up: float


def sample_picture(name: str) -> np.ndarray:
    """A picture from matplotlib's sample data as grey levels in [0, 1], ``(rows, columns)`` float.

    Parameters
    ----------
    name : {"grace_hopper", "mri", "present", "logo"}
        ``grace_hopper``: the photograph of Grace Hopper (600 rows × 512
        columns); ``mri``: an MRI slice of a head (256 × 256); ``present``: a
        drawing of a gift box (128 × 128); ``logo``: matplotlib's logo (130
        rows × 542 columns). Colour becomes
        luminance (BT.601 weights); transparent pixels become white.

    Returns
    -------
    numpy.ndarray
        float64 grey levels ``(rows, columns)``, 0 black … 1 white.
    """
    from matplotlib import cbook
    from PIL import Image

    if not isinstance(name, str) or name not in SAMPLE_PICTURES:
        raise ValueError(f"name: must be one of {', '.join(map(repr, SAMPLE_PICTURES))}, got {name!r}")
    file = SAMPLE_PICTURES[name]
    with cbook.get_sample_data(file) as handle:
        if file.endswith(".ima.gz"):  # 256 × 256 big-endian 16-bit grey levels, opened through gzip
            grey = np.frombuffer(handle.read(), ">u2").reshape(256, 256).astype(np.float64)
            return grey / grey.max()
        image = Image.open(handle)
        image.load()
    rgba = np.asarray(image.convert("RGBA"), dtype=np.float64) / 255.0
    alpha = rgba[..., 3:]
    rgb = rgba[..., :3] * alpha + (1.0 - alpha)  # composite on white
    return rgb @ _LUMA


def picture_pattern(image, side: int, *, crop: bool = True) -> Picture:
    """Grey levels → a ``side × side`` ±1 pattern, thresholded at the median.

    Parameters
    ----------
    image : array_like or str
        Grey levels ``(rows, columns)`` (any real scale; larger is lighter),
        or a name of :data:`SAMPLE_PICTURES`.
    side : int
        Pixels per side of the pattern (N = side² sites).
    crop : bool
        Cut the central square out first (default); otherwise the picture is
        squeezed to a square.

    Returns
    -------
    Picture
        The pattern (light +1, dark −1; exactly half +1 for even N, ties at
        the median broken by the blurred grey level, then row-major rank),
        the threshold and the fraction of +1.
    """
    from PIL import Image

    if isinstance(image, str) and image not in SAMPLE_PICTURES:
        raise ValueError(f"image: must be grey levels or one of {', '.join(map(repr, SAMPLE_PICTURES))}, "
                         f"got {image!r}")
    grey = sample_picture(image) if isinstance(image, str) else numeric_array(image, "image").astype(np.float64)
    side = positive_int(side, "side")
    if grey.ndim != 2 or min(grey.shape) < 1:
        raise ValueError(f"image: expected grey levels of shape (rows, columns), got shape {grey.shape}")
    if not np.isfinite(grey).all():
        raise ValueError("image: grey levels must be finite")
    if crop:
        rows, columns = grey.shape
        edge = min(rows, columns)
        top, left = (rows - edge) // 2, (columns - edge) // 2
        grey = grey[top:top + edge, left:left + edge]
    low, high = grey.min(), grey.max()
    scaled = (grey - low) / (high - low) if high > low else np.zeros_like(grey)
    resized = np.asarray(Image.fromarray(scaled.astype(np.float32), mode="F").resize((side, side), Image.BOX),
                         dtype=np.float64).ravel()
    n_sites = side * side
    blurred = gaussian_filter(resized.reshape(side, side), sigma=_TIE_BLUR, mode="nearest").ravel()
    rank = np.lexsort((np.arange(n_sites), blurred, resized))  # ties: by the neighbourhood, then row-major
    spins = np.full(n_sites, -1, dtype=np.int8)
    spins[rank[n_sites // 2:]] = 1
    threshold = float(np.median(resized))
    return Picture(spins=spins, side=side, threshold=threshold, fraction_up=float(np.mean(spins == 1)))


def letter_patterns(letters: str = string.ascii_uppercase, side: int = 12, *,
                    font: str = "DejaVu Sans") -> np.ndarray:
    """Letters rendered on a ``side × side`` grid as ±1 patterns ``(letter, site)``.

    Each letter is drawn in ``font`` (found by matplotlib's font manager; the
    default ships with matplotlib) at 16 pixels per cell, its ink box
    centred and scaled so its taller or wider side spans the grid less a
    one-cell margin, then averaged per cell: +1 where at least half the cell
    is ink.

    Parameters
    ----------
    letters : str
        The characters, one pattern each (default A–Z).
    side : int
        Cells per side (N = side² sites), at least 5.
    font : str
        A font family matplotlib can find.

    Returns
    -------
    numpy.ndarray
        int8 ``(letter, site)``, +1 ink, −1 paper, row-major.
    """
    from matplotlib import font_manager
    from PIL import Image, ImageDraw, ImageFont

    if not isinstance(letters, str) or not letters or any(c.isspace() for c in letters):
        raise ValueError(f"letters: expected a non-empty string without spaces, got {letters!r}")
    side = positive_int(side, "side")
    if side < 5:
        raise ValueError(f"side: at least 5 cells are needed to draw a letter, got {side}")
    from matplotlib.ft2font import FT2Font

    if not isinstance(font, str):
        raise TypeError(f"font: expected a font family name, got {type(font).__name__}")
    try:
        path = font_manager.findfont(font_manager.FontProperties(family=font), fallback_to_default=False)
    except ValueError:
        raise ValueError(f"font: matplotlib finds no font {font!r}") from None
    glyphs = FT2Font(path)
    missing = [c for c in letters if glyphs.get_char_index(ord(c)) == 0]
    if missing:
        raise ValueError(f"letters: font {font!r} has no glyph for {''.join(missing)!r}")
    cell = _LETTER_OVERSAMPLING
    canvas = side * cell
    face = ImageFont.truetype(path, size=canvas)
    patterns = np.empty((len(letters), side * side), dtype=np.int8)
    for k, letter in enumerate(letters):
        image = Image.new("L", (2 * canvas, 2 * canvas), 0)
        ImageDraw.Draw(image).text((canvas // 2, canvas // 2), letter, fill=255, font=face)
        box = image.getbbox()
        if box is None:
            raise ValueError(f"letters: {letter!r} draws no ink in font {font!r}")
        ink = image.crop(box)
        inner = (side - 2) * cell
        scale = inner / max(ink.size)
        ink = ink.resize((max(1, round(ink.size[0] * scale)), max(1, round(ink.size[1] * scale))), Image.LANCZOS)
        page = Image.new("L", (canvas, canvas), 0)
        page.paste(ink, ((canvas - ink.size[0]) // 2, (canvas - ink.size[1]) // 2))
        coverage = np.asarray(page, dtype=np.float64).reshape(side, cell, side, cell).mean(axis=(1, 3)) / 255.0
        patterns[k] = np.where(coverage >= 0.5, 1, -1).ravel()
    return patterns


def __dir__():
    """The public names only (``__all__``), not the imports a module uses."""
    return sorted(__all__)
