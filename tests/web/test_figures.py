"""The moving exercise drawings: SVG built from the catalogue's key poses."""

from __future__ import annotations

import dataclasses
import re

from backcoach.domain.catalogue_loader import load_catalogue
from backcoach.domain.exercises import Exercise, KeyPose
from backcoach.web.figures import MOVE_S, render_figure

LYING = {
    "head": (10.0, 50.0),
    "shoulder": (18.0, 51.0),
    "hip": (40.0, 52.0),
    "knee": (52.0, 40.0),
    "ankle": (62.0, 54.0),
    "toe": (66.0, 55.0),
    "elbow": (26.0, 53.0),
    "wrist": (34.0, 54.0),
}
BRIDGE_UP = {**LYING, "hip": (40.0, 40.0), "shoulder": (20.0, 50.0)}


def _bridge(poses: tuple[KeyPose, ...]) -> Exercise:
    return dataclasses.replace(load_catalogue().get("bridge"), key_poses=poses)


def test_the_figure_moves_between_the_key_poses_and_loops() -> None:
    exercise = _bridge((KeyPose("down", LYING, 1.0), KeyPose("up", BRIDGE_UP, 2.0)))
    svg = str(render_figure(exercise))
    assert svg.startswith("<svg") and 'role="img"' in svg and "<title" in svg
    leg = re.search(r'<polyline class="limb near leg" points="([^"]+)"><animate ([^>]+)/>', svg)
    assert leg is not None
    assert leg[1] == "40,52 52,40 62,54 66,55"  # still image: the first pose
    attrs = dict(re.findall(r'(\w+)="([^"]*)"', leg[2]))
    values = attrs["values"].split(";")
    key_times = [float(t) for t in attrs["keyTimes"].split(";")]
    # down (held 1 s), move, up (held 2 s), move back to down: the loop closes on the first pose
    assert values[0] == values[1] == values[-1] == "40,52 52,40 62,54 66,55"
    assert values[2] == values[3] == "40,40 52,40 62,54 66,55"
    assert key_times[0] == 0 and key_times[-1] == 1 and key_times == sorted(key_times)
    assert attrs["dur"] == f"{1 + 2 + 2 * MOVE_S:g}s"
    assert len(attrs["keySplines"].split(";")) == len(values) - 1


def test_far_limbs_fall_back_to_the_near_ones_and_no_poses_draw_nothing() -> None:
    far = {**LYING, "far_knee": (50.0, 42.0), "far_ankle": (60.0, 54.0)}
    svg = str(render_figure(_bridge((KeyPose("a", far, 0.5), KeyPose("b", BRIDGE_UP, 0.5)))))
    assert "far-leg" in svg and "far-arm" in svg
    assert str(render_figure(_bridge(()))) == ""


def test_every_catalogue_exercise_has_a_moving_figure() -> None:
    for exercise in load_catalogue():
        svg = str(render_figure(exercise))
        assert "<animate" in svg, exercise.id
        assert svg.count("<polyline") >= 4, exercise.id


def _limb(svg: str, name: str) -> list[tuple[float, float]]:
    found = re.search(rf'<polyline class="limb (?:near|far) {name}" points="([^"]+)"', svg)
    assert found is not None, name
    return [(float(x), float(y)) for x, y in (p.split(",") for p in found[1].split())]


def test_the_back_is_drawn_through_mid_back_so_a_rounded_back_shows() -> None:
    cat = load_catalogue().get("cat_stretch")
    rounded = next(p for p in cat.key_poses if p.joints["mid_back"][1] < p.joints["shoulder"][1])
    svg = str(render_figure(dataclasses.replace(cat, key_poses=(rounded,))))
    trunk = _limb(svg, "trunk")
    assert trunk[0] == rounded.joints["shoulder"] and trunk[-1] == rounded.joints["hip"]
    assert len(trunk) > 3  # a curve, not one straight line
    assert trunk[len(trunk) // 2] == rounded.joints["mid_back"]  # it passes through the mid back
    assert min(y for _, y in trunk) < min(rounded.joints["shoulder"][1], rounded.joints["hip"][1]) - 3
    # without mid_back the back is a straight line from shoulder to hip
    straight = str(render_figure(_bridge((KeyPose("a", LYING, 0.5), KeyPose("b", BRIDGE_UP, 0.5)))))
    assert _limb(straight, "trunk") == [LYING["shoulder"], LYING["hip"]]


def test_the_far_leg_has_its_own_toe_or_borrows_the_near_one() -> None:
    far = {**LYING, "far_knee": (50.0, 42.0), "far_ankle": (60.0, 54.0), "far_toe": (64.0, 52.0)}
    svg = str(render_figure(_bridge((KeyPose("a", far, 0.5),))))
    assert _limb(svg, "far-leg") == [LYING["hip"], (50.0, 42.0), (60.0, 54.0), (64.0, 52.0)]
    borrowed = str(render_figure(_bridge((KeyPose("a", LYING, 0.5),))))
    assert _limb(borrowed, "far-leg")[-1] == LYING["toe"]


def test_every_limb_but_the_neck_sits_on_a_halo_that_leaves_the_joints_alone() -> None:
    svg = str(render_figure(_bridge((KeyPose("a", LYING, 0.5),))))
    for name in ("far-arm", "far-leg", "trunk", "leg", "arm"):
        halo = re.search(rf'<polyline class="halo halo-{name}" points="([^"]+)"', svg)
        assert halo is not None and svg.index(f"halo-{name}") < svg.index(f' {name}" points'), name
    assert "halo-neck" not in svg
    arm_halo = re.search(r'class="halo halo-arm" points="([^"]+)"', svg)
    assert arm_halo is not None
    start = tuple(float(v) for v in arm_halo[1].split()[0].split(","))
    assert start != LYING["shoulder"]  # the halo starts a little way from the shoulder


def test_the_lower_back_rotation_is_drawn_from_above_so_left_and_right_differ() -> None:
    rotation = load_catalogue().get("lower_back_rotation")
    svg = str(render_figure(rotation))
    assert 'data-view="above"' in svg and "Seen from above" in svg
    assert 'class="floor"' not in svg  # no floor line under a view from above
    captions = re.findall(r'<text class="caption pose-name"[^>]*>([^<]+)<', svg)
    assert captions == ["knees up in the middle", "knees to the left", "knees to the right"]
    poses = {p.name: p.joints for p in rotation.key_poses}
    hip_y = poses["knees up in the middle"]["hip"][1]
    # the knees swing to opposite sides of the body line, the top knee crossing the other
    for knee in ("knee", "far_knee"):
        left_y, right_y = poses["knees to the left"][knee][1], poses["knees to the right"][knee][1]
        assert left_y < hip_y - 5 and right_y > hip_y + 5
    # the feet stay where they are
    assert abs(poses["knees to the left"]["ankle"][0] - poses["knees to the right"]["ankle"][0]) < 1
    # side views keep their floor
    assert 'class="floor"' in str(render_figure(load_catalogue().get("bridge")))
