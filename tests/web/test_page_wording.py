"""What the pages count and how they word it, found in a QA pass as a person with back pain and as a
physiotherapist reading the record: counts that agree with each other, doses that read as a person
says them, and plain words for what happened to a dose suggestion."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient


def _stats(html: str) -> list[str]:
    stats = re.findall(r'<div class="stat">(.*?)</div>', html)
    return [" ".join(re.sub(r"<[^>]+>", " ", s).split()) for s in stats]


def test_a_workout_left_with_nothing_done_is_not_counted_or_ticked(screened_client: TestClient) -> None:
    client = screened_client
    left = client.post("/api/workouts", json={}).json()  # opened, then left with nothing done
    done = client.post("/api/workouts", json={"new": True}).json()  # the first is stopped early
    assert client.get(f"/api/workouts/{left['id']}").json()["status"] == "abandoned"
    history = client.get("/history").text
    assert " done" not in history.split('class="calendar"')[1].split("</table>")[0]
    assert "0 workouts done in all" in _stats(history)
    assert "Stopped early" in history  # still listed in the table, for the record
    today = client.get("/").text
    done_today = today.split('id="done-title"')[1].split("</section>")[0]
    assert done_today.count("<li>") == 1 and "(in progress)" in done_today  # only the open one

    client.post(
        f"/api/workouts/{done['id']}/sets",
        json={"exercise_id": "bridge", "set_number": 1, "reps": 8, "source": "manual", "client_id": "a"},
    )
    client.post(f"/api/workouts/{done['id']}/finish")
    history = client.get("/history").text
    calendar = history.split('class="calendar"')[1].split("</table>")[0]
    assert calendar.count(" done") == 1 and "1 workout</span>" in calendar
    assert _stats(history) == ["1 day in a row", "1 workout in the last 7 days", "1 workout done in all"]


def test_one_hold_a_set_reads_as_holds_not_sets_of_one_hold(client: TestClient) -> None:
    def dose(exercise_id: str) -> str:
        page = client.get(f"/exercises/{exercise_id}").text
        found = re.search(r'data-testid="dose">(.*?)</p>', page, re.S)
        assert found is not None
        return " ".join(found[1].split())

    assert dose("forearm_plank") == "3 holds of 15 s, 45 s rest between holds."
    assert dose("lower_back_rotation").startswith("2 holds of 10 s on each side, 10 s rest between holds")
    assert dose("draw_in") == "1 set of 5 holds of 10 s, 30 s rest between sets."  # several holds a set
    assert "of 1 hold" not in client.get("/exercises").text


def test_today_says_once_a_day(client: TestClient) -> None:
    assert re.search(r"Once a day,\s+7 days a week", client.get("/").text)


def test_an_unknown_exercise_or_workout_is_explained_in_plain_words(client: TestClient) -> None:
    exercise = client.get("/exercises/handstand")
    assert exercise.status_code == 404
    assert "There is no exercise called \u201chandstand\u201d" in exercise.text
    assert "lower_back_rotation" not in exercise.text  # no list of ids meant for the command line
    workout = client.get("/workout/9999")
    assert workout.status_code == 404 and "There is no workout number 9999" in workout.text
    assert "in History" in workout.text
    # the JSON API keeps its own answer
    assert client.get("/api/exercises/handstand").json()["error"] == "not_found"
