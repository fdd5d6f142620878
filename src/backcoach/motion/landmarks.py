"""The 33 MediaPipe Pose landmarks and the frame of them the engine consumes."""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

import numpy as np
import numpy.typing as npt

__all__ = ["LANDMARK_COUNT", "Landmark", "PoseFrame"]

LANDMARK_COUNT = 33


class Landmark(IntEnum):
    """Index of each landmark in MediaPipe's order."""

    NOSE = 0
    LEFT_EYE_INNER = 1
    LEFT_EYE = 2
    LEFT_EYE_OUTER = 3
    RIGHT_EYE_INNER = 4
    RIGHT_EYE = 5
    RIGHT_EYE_OUTER = 6
    LEFT_EAR = 7
    RIGHT_EAR = 8
    MOUTH_LEFT = 9
    MOUTH_RIGHT = 10
    LEFT_SHOULDER = 11
    RIGHT_SHOULDER = 12
    LEFT_ELBOW = 13
    RIGHT_ELBOW = 14
    LEFT_WRIST = 15
    RIGHT_WRIST = 16
    LEFT_PINKY = 17
    RIGHT_PINKY = 18
    LEFT_INDEX = 19
    RIGHT_INDEX = 20
    LEFT_THUMB = 21
    RIGHT_THUMB = 22
    LEFT_HIP = 23
    RIGHT_HIP = 24
    LEFT_KNEE = 25
    RIGHT_KNEE = 26
    LEFT_ANKLE = 27
    RIGHT_ANKLE = 28
    LEFT_HEEL = 29
    RIGHT_HEEL = 30
    LEFT_FOOT_INDEX = 31
    RIGHT_FOOT_INDEX = 32


@dataclass(frozen=True)
class PoseFrame:
    """One video frame's pose.

    ``t_ms`` is the frame's time from the start of the video or stream, in
    milliseconds, always increasing. ``landmarks`` is a (33, 4) float array of
    x, y (normalised to the image, y downwards), z (MediaPipe's relative depth)
    and visibility (0..1), or ``None`` when no person was found. ``width`` and
    ``height`` are the image size in pixels (for aspect-correct angles).
    """

    t_ms: float
    landmarks: npt.NDArray[np.float64] | None
    width: int = 640
    height: int = 360

    @property
    def has_person(self) -> bool:
        return self.landmarks is not None
