"""Exercise recognition: which of the nine is being done (or "unknown"), from posture and motion.

Each frame is given a posture from a handful of body measures in torso lengths and degrees
(lying on the back or front, on all fours, in a plank, sitting, standing or kneeling; knees
bent or straight; hips raised; arms up). The last few seconds of those measures give the
motion: hips going up and down (bridge), one knee lifting with the hips held up (march),
knees sinking to one side (rotation), the head and spine rounding (cat), the arms and legs
lifting face down (superman), a limb reaching out on all fours (bird dog, not one of the nine).

Posture and motion together make a vote per frame, and the votes add up over time (the
streaming :class:`ExerciseRecogniser` forgets slowly, ``recognise_frames`` keeps the whole
clip). The answer is the exercise with the largest share, with that share as its confidence;
it is ``decided`` once about two seconds of votes agree. Votes from a posture that several
exercises start from (still on all fours, lying face down, a bridge held without a march)
count, but cannot decide the answer on their own.

Lying still on the back with the knees bent is the start of the pelvic tilt and of the
draw-in, and a camera cannot tell them apart; such frames vote for both, the pelvic tilt a
little more (it is the one whose tilts can sometimes be seen).
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from backcoach.motion.landmarks import Landmark, PoseFrame

__all__ = ["UNKNOWN", "ExerciseRecogniser", "Recognition", "recognise_frames"]

UNKNOWN = "unknown"
FloatArray = npt.NDArray[np.float64]

_VISIBLE = 0.5
_WINDOW_MS = 3000.0
_SAMPLE_MS = 60.0
_FORGET_S = 8.0
_DECIDE_WEIGHT_S = 2.0
_DECIDE_SHARE = 0.55
_STRAIGHT_KNEE_DEG = 145.0
# A vote marked with this key is a posture that several exercises (or none) start from: it
# counts for its share, but it cannot make the answer decided.
_AMBIGUOUS = "_ambiguous"
# Standing, sitting still, lying flat: no exercise yet. "unknown" for now, but not decided, as
# the person may be getting into position (a bird dog, by contrast, is decided "unknown").
_NOT_IN_POSITION = {UNKNOWN: 1.0, _AMBIGUOUS: 1.0}
_UPRIGHT_FORGET_PER_S = 0.02  # torso lengths a second
_ROTATION_MEMORY_MS = 15000.0

_L, _R = 0, 1
_PARTS = {
    "shoulder": (Landmark.LEFT_SHOULDER, Landmark.RIGHT_SHOULDER),
    "elbow": (Landmark.LEFT_ELBOW, Landmark.RIGHT_ELBOW),
    "wrist": (Landmark.LEFT_WRIST, Landmark.RIGHT_WRIST),
    "hip": (Landmark.LEFT_HIP, Landmark.RIGHT_HIP),
    "knee": (Landmark.LEFT_KNEE, Landmark.RIGHT_KNEE),
    "ankle": (Landmark.LEFT_ANKLE, Landmark.RIGHT_ANKLE),
}


@dataclass(frozen=True)
class Recognition:
    """The exercise named so far: one of the nine ids or "unknown".

    ``confidence`` (0..1) is the winner's share of the votes, lowered while there are few;
    ``candidates`` maps every id that got votes (and "unknown") to its share.
    """

    exercise_id: str
    confidence: float
    decided: bool
    candidates: dict[str, float]


@dataclass(frozen=True)
class _Measures:
    """One frame's body measures (torso lengths, degrees; NaN when not seen)."""

    trunk_deg: float  # shoulder-mid above hip-mid, signed, -90..90
    face_up: float  # ear-to-nose across the trunk line, upwards (the face pointing up)
    knee_min_deg: float  # the more bent knee
    knee_max_deg: float  # the straighter knee
    knee_height_max: float  # highest knee above the hips
    knee_height_min: float
    knee_height_left: float
    knee_height_right: float
    wrist_height_max: float  # highest wrist above the shoulders
    ankle_below_hip: float  # ankles below the hips
    head_drop: float  # nose below the shoulders
    knee_depth: float  # MediaPipe depth of the knees from the hips' (towards the camera negative)
    straight_leg_height: float  # highest ankle above the hips of a straight leg


def _angle_deg(a: tuple[float, float], b: tuple[float, float], c: tuple[float, float]) -> float:
    ux, uy, wx, wy = a[0] - b[0], a[1] - b[1], c[0] - b[0], c[1] - b[1]
    nu, nw = math.hypot(ux, uy), math.hypot(wx, wy)
    if nu == 0.0 or nw == 0.0:
        return math.nan
    cos = (ux * wx + uy * wy) / (nu * nw)
    return math.degrees(math.acos(max(-1.0, min(1.0, cos))))


def _nanmax(values: Iterable[float]) -> float:
    seen = [v for v in values if not math.isnan(v)]
    return max(seen) if seen else math.nan


def _nanmin(values: Iterable[float]) -> float:
    seen = [v for v in values if not math.isnan(v)]
    return min(seen) if seen else math.nan


def measure_frame(landmarks: FloatArray, width: int, height: int) -> _Measures | None:
    """The body measures of one frame's landmarks, None when the trunk is not seen.

    Plain floats rather than numpy: for a dozen points a frame that is several times faster.
    """
    k = width / height if height > 0 else 1.0
    rows = landmarks.tolist()
    xy = [(row[0] * k, row[1]) for row in rows]
    vis = [row[3] >= _VISIBLE for row in rows]

    def mid(part: str) -> tuple[float, float] | None:
        left, right = _PARTS[part]
        if vis[left] and vis[right]:
            return ((xy[left][0] + xy[right][0]) * 0.5, (xy[left][1] + xy[right][1]) * 0.5)
        if vis[left]:
            return xy[left]
        if vis[right]:
            return xy[right]
        return None

    shoulder, hip = mid("shoulder"), mid("hip")
    if shoulder is None or hip is None:
        return None
    torso = math.hypot(shoulder[0] - hip[0], shoulder[1] - hip[1])
    if torso <= 1e-6:
        return None
    trunk = math.degrees(math.atan2(hip[1] - shoulder[1], abs(shoulder[0] - hip[0])))
    knees: list[float] = []
    knee_heights = [math.nan, math.nan]
    wrist_heights: list[float] = []
    leg_heights: list[float] = []
    for side in (_L, _R):
        h, kn, an = _PARTS["hip"][side], _PARTS["knee"][side], _PARTS["ankle"][side]
        if vis[h] and vis[kn] and vis[an]:
            knees.append(_angle_deg(xy[h], xy[kn], xy[an]))
            if knees[-1] > _STRAIGHT_KNEE_DEG:
                leg_heights.append((hip[1] - xy[an][1]) / torso)
        if vis[kn]:
            knee_heights[side] = (hip[1] - xy[kn][1]) / torso
        wr = _PARTS["wrist"][side]
        if vis[wr]:
            wrist_heights.append((shoulder[1] - xy[wr][1]) / torso)
    ankle = mid("ankle")
    knee_depth = math.nan
    if all(vis[i] for i in (*_PARTS["knee"], *_PARTS["hip"])):
        depth = [row[2] * k for row in rows]
        knee_depth = (depth[_PARTS["knee"][_L]] + depth[_PARTS["knee"][_R]]
                      - depth[_PARTS["hip"][_L]] - depth[_PARTS["hip"][_R]]) / 2.0 / torso  # fmt: skip
    ears = [xy[i] for i in (Landmark.LEFT_EAR, Landmark.RIGHT_EAR) if vis[i]]
    face_up = head_drop = math.nan
    if vis[Landmark.NOSE]:
        nose = xy[Landmark.NOSE]
        head_drop = (nose[1] - shoulder[1]) / torso
        if ears:
            # ear-to-nose across the trunk's line, upwards positive: lying on the back the face
            # points up; lying face down with the head lifted it points along the body instead
            ear_x = sum(e[0] for e in ears) / len(ears)
            ear_y = sum(e[1] for e in ears) / len(ears)
            fx, fy = nose[0] - ear_x, ear_y - nose[1]
            ux, uy = (shoulder[0] - hip[0]) / torso, (hip[1] - shoulder[1]) / torso
            nx, ny = (-uy, ux) if ux >= 0 else (uy, -ux)
            face_up = (fx * nx + fy * ny) / torso
    return _Measures(
        trunk_deg=trunk,
        face_up=face_up,
        knee_min_deg=_nanmin(knees),
        knee_max_deg=_nanmax(knees),
        knee_height_max=_nanmax(knee_heights),
        knee_height_min=_nanmin(knee_heights),
        knee_height_left=knee_heights[_L],
        knee_height_right=knee_heights[_R],
        wrist_height_max=_nanmax(wrist_heights),
        ankle_below_hip=math.nan if ankle is None else (ankle[1] - hip[1]) / torso,
        head_drop=head_drop,
        knee_depth=knee_depth,
        straight_leg_height=_nanmax(leg_heights),
    )


def classify_posture(m: _Measures) -> str:
    """One frame's posture name (see the module docstring)."""
    if abs(m.trunk_deg) >= 50.0:
        if m.knee_min_deg < 135.0 and abs(m.knee_height_max) < 0.45:
            return "seated"
        return "upright"
    # on the back: the face points up, or bent knees point up (straight legs lifted face down,
    # as in a superman, are not)
    supine = m.face_up > 0.05 or (m.knee_height_max > 0.3 and m.knee_min_deg < 140.0)
    if supine:
        if m.trunk_deg < -10.0 and m.knee_min_deg < 125.0:
            return "bridge_up"
        if m.wrist_height_max > 0.5 and m.knee_height_max > 0.4:
            return "tabletop"
        if m.knee_min_deg < 135.0 and m.knee_height_max > 0.3:
            return "crook"
        return "supine_flat"
    if m.knee_height_min < -0.5 and m.knee_min_deg < 130.0:
        return "all_fours"
    if m.knee_max_deg > 145.0 and m.ankle_below_hip > 0.1 and m.wrist_height_max < -0.35:
        return "plank"
    return "prone"


class _Window:
    """The last few seconds of measures (sampled at most every ``_SAMPLE_MS``)."""

    def __init__(self) -> None:
        self.samples: deque[tuple[float, _Measures, str]] = deque()

    def due(self, t_ms: float) -> bool:
        """True when a frame at ``t_ms`` should be sampled."""
        return not self.samples or t_ms - self.samples[-1][0] >= _SAMPLE_MS

    def add(self, t_ms: float, m: _Measures, posture: str) -> None:
        samples = self.samples
        samples.append((t_ms, m, posture))
        while samples and t_ms - samples[0][0] > _WINDOW_MS:
            samples.popleft()

    def spread(self, name: str) -> float:
        values = [getattr(m, name) for _, m, _ in self.samples]
        seen = [v for v in values if not math.isnan(v)]
        return (max(seen) - min(seen)) if len(seen) >= 3 else 0.0

    def highest(self, name: str) -> float:
        return _nanmax(getattr(m, name) for _, m, _ in self.samples)

    def seen_posture(self, posture: str) -> bool:
        return any(p == posture for _, _, p in self.samples)

    def all_posture(self, posture: str) -> bool:
        """True when every sample in the window had ``posture`` (no change of position)."""
        return all(p == posture for _, _, p in self.samples)


def _vote(posture: str, window: _Window, memory: _Memory) -> dict[str, float]:
    """One frame's vote, from its posture, the recent motion and what was seen before."""
    if posture == "all_fours":
        if window.highest("straight_leg_height") > -0.4 or window.highest("wrist_height_max") > -0.5:
            # a limb reaching out, lifted to the body's height: a bird dog, not one of the nine
            # (a leg stepped back to the floor on the way into a plank stays low)
            return {UNKNOWN: 1.0}
        if window.all_posture("all_fours") and (
            window.spread("head_drop") > 0.3 or window.spread("trunk_deg") > 6.0
        ):
            return {"cat_stretch": 1.0}
        return {"cat_stretch": 0.4, UNKNOWN: 0.6, _AMBIGUOUS: 1.0}
    if posture == "plank":
        return {"forearm_plank": 1.0}
    if posture == "prone":
        if window.spread("wrist_height_max") > 0.15 or window.spread("trunk_deg") > 5.0:
            return {"superman": 1.0}
        return {"superman": 0.5, UNKNOWN: 0.5, _AMBIGUOUS: 1.0}
    if posture in ("bridge_up", "crook", "tabletop", "supine_flat"):
        if posture == "tabletop" or window.seen_posture("tabletop"):
            return {"dead_bug": 1.0}
        if window.spread("trunk_deg") > 10.0 and window.seen_posture("bridge_up"):
            return {"bridge": 1.0}
        if posture == "bridge_up" or window.seen_posture("bridge_up"):
            lift = max(window.spread("knee_height_left"), window.spread("knee_height_right"))
            if lift > 0.3:
                return {"glute_bridge_march": 1.0}
            return {"bridge": 0.5, "glute_bridge_march": 0.5, _AMBIGUOUS: 1.0}
        if memory.knees_dropped:
            return {"lower_back_rotation": 1.0}
        if posture == "crook":
            if memory.recently_dropped:
                return {"lower_back_rotation": 0.6, "pelvic_tilt": 0.2, "draw_in": 0.2}
            return {"pelvic_tilt": 0.6, "draw_in": 0.4}
        return _NOT_IN_POSITION
    if posture == "seated":
        if window.spread("trunk_deg") > 8.0 or window.spread("head_drop") > 0.3:
            return {"cat_stretch": 1.0}  # the seated cat-cow
        return _NOT_IN_POSITION
    return _NOT_IN_POSITION


class _Memory:
    """What outlasts the motion window: the knees' upright height lying on the back, and when
    they were last seen dropped to one side (a rotation hold outlasts the window)."""

    def __init__(self) -> None:
        self.knee_up = math.nan
        self.knee_up_t_ms = 0.0
        self.knee_depth_up = math.nan
        self.dropped_t_ms = -math.inf
        self.knees_dropped = False
        self.recently_dropped = False

    def update(self, t_ms: float, m: _Measures, posture: str) -> None:
        self.knees_dropped = False
        lying_bent = (
            posture in ("crook", "supine_flat") and abs(m.trunk_deg) < 15.0 and m.knee_min_deg < 135.0
        )
        if posture == "crook" and not math.isnan(m.knee_height_max):
            forget = _UPRIGHT_FORGET_PER_S * max(0.0, t_ms - self.knee_up_t_ms) / 1000.0
            up = (
                m.knee_height_max
                if math.isnan(self.knee_up)
                else max(m.knee_height_max, self.knee_up - forget)
            )
            if m.knee_height_max >= 0.9 * up and not math.isnan(m.knee_depth):
                # the knees' depth while upright (MediaPipe's depth of knees sits off the hips')
                d = self.knee_depth_up
                self.knee_depth_up = m.knee_depth if math.isnan(d) else d + 0.1 * (m.knee_depth - d)
            self.knee_up, self.knee_up_t_ms = up, t_ms
        # dropped to one side: lower than upright, still bent, and moved sideways in depth (a leg
        # sliding down to straighten also gets lower, but stays in line with the hips)
        if (
            lying_bent
            and not math.isnan(self.knee_up)
            and m.knee_height_max < 0.8 * self.knee_up
            and abs(m.knee_depth - self.knee_depth_up) > 0.3 * self.knee_up
        ):
            self.knees_dropped = True
            self.dropped_t_ms = t_ms
        self.recently_dropped = t_ms - self.dropped_t_ms < _ROTATION_MEMORY_MS


class _Votes:
    """Votes weighted by time (seconds), optionally forgotten with a time constant."""

    def __init__(self, forget_s: float | None) -> None:
        self.forget_s = forget_s
        self.totals: dict[str, float] = {}
        self.weight_s = 0.0
        self.certain_s = 0.0  # weight of the votes that were not ambiguous

    def add(self, vote: dict[str, float], dt_s: float) -> None:
        if self.forget_s is not None:
            keep = math.exp(-dt_s / self.forget_s)
            for key in self.totals:
                self.totals[key] *= keep
            self.weight_s *= keep
        if self.forget_s is not None:
            self.certain_s *= keep
        for key, share in vote.items():
            if key != _AMBIGUOUS:
                self.totals[key] = self.totals.get(key, 0.0) + share * dt_s
        self.weight_s += dt_s
        if _AMBIGUOUS not in vote:
            self.certain_s += dt_s

    def recognition(self) -> Recognition:
        total = sum(self.totals.values())
        if total <= 0.0:
            return Recognition(UNKNOWN, 0.0, False, {})
        shares = {key: round(value / total, 3) for key, value in self.totals.items() if value > 0}
        best = max(shares, key=lambda key: shares[key])
        share = shares[best]
        confidence = share * min(1.0, self.weight_s / (1.5 * _DECIDE_WEIGHT_S))
        decided = self.certain_s >= _DECIDE_WEIGHT_S and share >= _DECIDE_SHARE
        return Recognition(best, round(confidence, 3), decided, dict(sorted(shares.items())))


class ExerciseRecogniser:
    """Streaming recognition: one :meth:`update` per frame, time from the frame's ``t_ms``."""

    def __init__(self, forget_s: float | None = _FORGET_S) -> None:
        self._window = _Window()
        self._memory = _Memory()
        self._votes = _Votes(forget_s)
        self._last_t_ms: float | None = None
        self.posture = "none"
        self._vote: dict[str, float] | None = None

    def update(self, frame: PoseFrame) -> Recognition:
        t = frame.t_ms
        dt_s = 0.0 if self._last_t_ms is None else min(0.5, max(0.0, t - self._last_t_ms) / 1000.0)
        if self._last_t_ms is None:
            dt_s = 1.0 / 30.0
        self._last_t_ms = t
        if frame.landmarks is None:
            self.posture = "none"
            self._vote = None
            return self._votes.recognition()
        if self._vote is None or self._window.due(t):
            # measuring and voting a few times a second is enough; frames between reuse the vote
            measures = measure_frame(frame.landmarks, frame.width, frame.height)
            if measures is None:
                self.posture = "none"
                self._vote = None
                return self._votes.recognition()
            self.posture = classify_posture(measures)
            self._window.add(t, measures, self.posture)
            self._memory.update(t, measures, self.posture)
            self._vote = _vote(self.posture, self._window, self._memory)
        self._votes.add(self._vote, dt_s)
        return self._votes.recognition()


def recognise_frames(frames: Iterable[PoseFrame]) -> Recognition:
    """Name the exercise of a whole recording (every frame's vote counts, none forgotten)."""
    recogniser = ExerciseRecogniser(forget_s=None)
    result = Recognition(UNKNOWN, 0.0, False, {})
    for frame in frames:
        result = recogniser.update(frame)
    return result
