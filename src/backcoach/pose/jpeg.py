"""JPEG bytes from a browser camera turned into an image for pose, refusing what is not a sane JPEG.

The live camera sends one JPEG a frame over the WebSocket. The bytes are decoded in memory
(frames are never written to disk), after the header's size is read so that a tiny file
claiming a huge image cannot make the server allocate gigabytes.
"""

from __future__ import annotations

import cv2
import numpy as np
import numpy.typing as npt

__all__ = ["MAX_JPEG_SIDE_PX", "ImageError", "decode_jpeg", "jpeg_size"]

MAX_JPEG_SIDE_PX = 1920
Image = npt.NDArray[np.uint8]

# Start-of-frame markers (baseline, extended, progressive, lossless...): they carry the size.
_SOF_MARKERS = frozenset({0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF})


class ImageError(ValueError):
    """Bytes that are not a JPEG image we can use; the message says why, in plain words."""


def jpeg_size(data: bytes) -> tuple[int, int]:
    """(width, height) in pixels from a JPEG's header, without decoding it."""
    if len(data) < 4 or data[0] != 0xFF or data[1] != 0xD8:
        raise ImageError("the frame is not a JPEG image")
    pos = 2
    while pos + 4 <= len(data):
        if data[pos] != 0xFF:
            raise ImageError("the JPEG image is damaged")
        marker = data[pos + 1]
        if marker == 0xFF:  # fill byte
            pos += 1
            continue
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
            pos += 2
            continue
        length = int.from_bytes(data[pos + 2 : pos + 4], "big")
        if length < 2:
            raise ImageError("the JPEG image is damaged")
        if marker in _SOF_MARKERS:
            if pos + 9 > len(data):
                break
            height = int.from_bytes(data[pos + 5 : pos + 7], "big")
            width = int.from_bytes(data[pos + 7 : pos + 9], "big")
            return width, height
        pos += 2 + length
    raise ImageError("the JPEG image is cut short")


def decode_jpeg(data: bytes, max_side_px: int = MAX_JPEG_SIDE_PX) -> Image:
    """Decode JPEG bytes to a BGR image (as OpenCV reads it); ImageError when it cannot be used."""
    width, height = jpeg_size(data)
    if width <= 0 or height <= 0:
        raise ImageError("the JPEG image has no size")
    if width > max_side_px or height > max_side_px:
        raise ImageError(f"the image is {width}x{height}: at most {max_side_px} pixels a side, please")
    image = cv2.imdecode(np.frombuffer(data, dtype=np.uint8), cv2.IMREAD_COLOR)
    if image is None:
        raise ImageError("the JPEG image could not be decoded")
    return np.asarray(image, dtype=np.uint8)
