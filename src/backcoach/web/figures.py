"""The moving illustration of an exercise: an animated SVG stick figure built from its key poses.

The catalogue keeps a few key poses per exercise (joints in a 100 x 60 box, y downwards, floor
at y = 55). The figure rests on each pose for its ``hold_s`` and moves to the next one in
``MOVE_S`` seconds, then loops. SVG ``<animate>`` does the motion, so it runs without
JavaScript; the static attributes are the first pose, so a browser that does not animate (or a
person who asked for reduced motion, see ``static/js/figure.js``) sees a still drawing.

The trunk runs shoulder -> hip as a smooth curve through ``mid_back`` when the poses give one
(so a rounded or arched back shows); far limbs (``far_elbow`` ... ``far_toe``) stand where
their near twins are when a pose leaves them out. Every limb is drawn over a short "halo" in the
background colour, so an arm lying along the body or a leg crossing another stays visible.

Most drawings are side views on a floor line. An exercise in ``SEEN_FROM_ABOVE`` (the lower back
rotation, whose knees dropping left and right look the same from the side) is drawn from above:
no floor, a "Seen from above" label, and the name of the pose it is in ("knees to the left").
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from itertools import pairwise

from markupsafe import Markup

from backcoach.domain.exercises import Exercise, KeyPose

__all__ = ["MOVE_S", "SEEN_FROM_ABOVE", "render_figure"]

MOVE_S = 1.2
# Exercises whose key poses are a view from above (see the catalogue file's comment).
SEEN_FROM_ABOVE = frozenset({"lower_back_rotation"})
_EASE = "0.42 0 0.58 1"

# Limbs drawn as polylines, far side first so the near side is drawn on top. Each limb's joints
# after the first ``min`` are optional: a trailing joint missing from a pose is left off.
_LIMBS: tuple[tuple[str, tuple[str, ...], str], ...] = (
    ("far-arm", ("shoulder", "far_elbow", "far_wrist"), "far"),
    ("far-leg", ("hip", "far_knee", "far_ankle", "far_toe"), "far"),
    ("trunk", ("shoulder", "mid_back", "hip"), "near"),
    ("leg", ("hip", "knee", "ankle", "toe"), "near"),
    ("arm", ("shoulder", "elbow", "wrist"), "near"),
    ("neck", ("head", "shoulder"), "near"),
)
# A far joint missing from a pose stands where its near twin is.
_FAR_FALLBACK = {
    "far_elbow": "elbow",
    "far_wrist": "wrist",
    "far_knee": "knee",
    "far_ankle": "ankle",
    "far_toe": "toe",
}
# The trunk is drawn as a smooth curve through mid_back, sampled into this many segments.
_TRUNK_SEGMENTS = 8


def _joint(pose: KeyPose, name: str) -> tuple[float, float] | None:
    if name in pose.joints:
        return pose.joints[name]
    fallback = _FAR_FALLBACK.get(name)
    return pose.joints.get(fallback) if fallback else None


Point = tuple[float, float]
# How far from a joint where limbs meet (shoulder, hip, head) the halo starts, in drawing units.
_HALO_GAP = 2.4


def _format(points: Sequence[Point]) -> str:
    return " ".join(f"{round(x, 2):g},{round(y, 2):g}" for x, y in points)


def _trunk_points(pose: KeyPose, curved: bool) -> list[Point] | None:
    """Shoulder to hip; with ``curved``, a quadratic curve passing through mid_back halfway along
    (a pose without mid_back gets a straight back, sampled the same way so it can morph)."""
    shoulder, hip = pose.joints.get("shoulder"), pose.joints.get("hip")
    if shoulder is None or hip is None:
        return None
    if not curved:
        return [shoulder, hip]
    middle = pose.joints.get("mid_back", ((shoulder[0] + hip[0]) / 2, (shoulder[1] + hip[1]) / 2))
    # The control point that makes the curve pass through ``middle`` at t = 0.5.
    cx = 2 * middle[0] - (shoulder[0] + hip[0]) / 2
    cy = 2 * middle[1] - (shoulder[1] + hip[1]) / 2
    points = []
    for i in range(_TRUNK_SEGMENTS + 1):
        t = i / _TRUNK_SEGMENTS
        a, b, c = (1 - t) ** 2, 2 * (1 - t) * t, t**2
        points.append((a * shoulder[0] + b * cx + c * hip[0], a * shoulder[1] + b * cy + c * hip[1]))
    return points


def _limb_points(poses: Sequence[KeyPose], name: str, joints: Sequence[str]) -> list[list[Point]] | None:
    """The limb's points in every pose (the same number in each, so they can morph), or None if a
    pose lacks one of its first two joints."""
    if name == "trunk":
        curved = any("mid_back" in p.joints for p in poses)
        trunks = [_trunk_points(p, curved) for p in poses]
        if any(t is None for t in trunks):
            return None
        return [t for t in trunks if t is not None]
    used = list(joints)
    while len(used) > 2 and any(_joint(p, used[-1]) is None for p in poses):
        used.pop()
    result: list[list[Point]] = []
    for pose in poses:
        coords = [_joint(pose, j) for j in used]
        if any(c is None for c in coords):
            return None
        result.append([c for c in coords if c is not None])
    return result


def _point_at(points: Sequence[Point], distance: float) -> Point:
    """The point ``distance`` along the polyline (clamped to its ends)."""
    walked = 0.0
    for (x0, y0), (x1, y1) in pairwise(points):
        length = ((x1 - x0) ** 2 + (y1 - y0) ** 2) ** 0.5
        if length > 0 and walked + length >= distance:
            f = max(0.0, distance - walked) / length
            return (x0 + f * (x1 - x0), y0 + f * (y1 - y0))
        walked += length
    return points[-1]


def _trimmed(points: Sequence[Point], start: float, end: float) -> list[Point]:
    """The polyline with ``start`` cut off its beginning and ``end`` off its end, keeping the
    number of points (points inside a cut move to the cut), so the halo leaves joints alone."""
    lengths = [0.0]
    for (x0, y0), (x1, y1) in pairwise(points):
        lengths.append(lengths[-1] + ((x1 - x0) ** 2 + (y1 - y0) ** 2) ** 0.5)
    total = lengths[-1]
    low, high = min(start, total / 2), max(total - end, total / 2)
    return [_point_at(points, min(max(d, low), high)) for d in lengths]


def _timeline(poses: Sequence[KeyPose]) -> tuple[list[int], list[float], float]:
    """Which pose each keyframe shows and when, as fractions of one loop; and the loop length in s."""
    frames: list[int] = []
    times_s: list[float] = []
    t = 0.0
    for i, pose in enumerate(poses):
        frames.append(i)
        times_s.append(t)
        hold = max(pose.hold_s, 0.0)
        if hold > 0:
            t += hold
            frames.append(i)
            times_s.append(t)
        t += MOVE_S
    frames.append(0)
    times_s.append(t)
    total = t
    return frames, [round(s / total, 4) for s in times_s], total


def _animate(attribute: str, values: Sequence[str], key_times: Sequence[float], dur_s: float) -> str:
    splines = ";".join([_EASE] * (len(values) - 1))
    return (
        f'<animate attributeName="{attribute}" dur="{dur_s:g}s" repeatCount="indefinite" '
        f'calcMode="spline" keyTimes="{";".join(f"{k:g}" for k in key_times)}" '
        f'keySplines="{splines}" values="{";".join(values)}"/>'
    )


def _captions(
    poses: Sequence[KeyPose], frames: Sequence[int], key_times: Sequence[float], dur_s: float
) -> str:
    """Each pose's name, shown while the figure is in (or leaving) that pose."""
    parts = []
    for name in dict.fromkeys(p.name for p in poses):
        shown = ["1" if poses[f].name == name else "0" for f in frames]
        anim = ""
        if len(poses) > 1:
            anim = (
                f'<animate attributeName="opacity" dur="{dur_s:g}s" repeatCount="indefinite" '
                f'calcMode="discrete" keyTimes="{";".join(f"{k:g}" for k in key_times)}" '
                f'values="{";".join(shown)}"/>'
            )
        parts.append(
            f'<text class="caption pose-name" x="98" y="58" text-anchor="end" opacity="{shown[0]}" '
            f'aria-hidden="true">{escape(name)}{anim}</text>'
        )
    return "".join(parts)


def render_figure(exercise: Exercise, *, css_class: str = "figure") -> Markup:
    """The exercise's animated stick figure as inline SVG, or an empty string without key poses."""
    poses = exercise.key_poses
    if not poses:
        return Markup("")
    top_y = min(18.0, max(0.0, min(y for p in poses for _, y in p.joints.values()) - 6.0))
    above = exercise.id in SEEN_FROM_ABOVE
    view = ", seen from above" if above else ""
    title = escape(f"Moving drawing of {exercise.name}{view}: " + ", then ".join(p.name for p in poses))
    parts = [
        f'<svg class="{escape(css_class)}" viewBox="0 {top_y:g} 100 {60 - top_y:g}" role="img" '
        f'aria-labelledby="fig-{escape(exercise.id)}-title" data-exercise="{escape(exercise.id)}" '
        f'data-poses="{len(poses)}" data-view="{"above" if above else "side"}">',
        f'<title id="fig-{escape(exercise.id)}-title">{title}</title>',
    ]
    animated = len(poses) > 1
    frames, key_times, dur_s = _timeline(poses) if animated else ([0], [0.0], 0.0)
    if above:
        label_y = top_y + 4.5
        parts.append(f'<text class="caption" x="98" y="{label_y:g}" text-anchor="end">Seen from above</text>')
        parts.append(_captions(poses, frames, key_times, dur_s))
    else:
        parts.append('<line class="floor" x1="2" y1="55.8" x2="98" y2="55.8"/>')
    for name, joints, depth in _LIMBS:
        per_pose = _limb_points(poses, name, joints)
        if per_pose is None:
            continue
        # The halo leaves the joints where limbs meet alone (both ends of the trunk); the short neck
        # crosses nothing and the head has its own outline.
        halo = [_format(_trimmed(p, _HALO_GAP, _HALO_GAP if name == "trunk" else 0.0)) for p in per_pose]
        points = [_format(p) for p in per_pose]
        layers = [(f"limb {depth} {name}", points)]
        if name != "neck":
            layers.insert(0, (f"halo halo-{name}", halo))
        for css, values in layers:
            anim = _animate("points", [values[f] for f in frames], key_times, dur_s) if animated else ""
            parts.append(f'<polyline class="{css}" points="{values[0]}">{anim}</polyline>')
    heads = [p.joints.get("head") for p in poses]
    if all(h is not None for h in heads):
        xs = [f"{h[0]:g}" for h in heads if h is not None]
        ys = [f"{h[1]:g}" for h in heads if h is not None]
        anim = ""
        if animated:
            anim = _animate("cx", [xs[f] for f in frames], key_times, dur_s) + _animate(
                "cy", [ys[f] for f in frames], key_times, dur_s
            )
        parts.append(f'<circle class="head" cx="{xs[0]}" cy="{ys[0]}" r="4">{anim}</circle>')
    parts.append("</svg>")
    return Markup("".join(parts))
