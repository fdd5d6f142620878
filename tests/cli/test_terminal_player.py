"""The terminal player's parts: keys from a real pipe, and the espeak-ng voice."""

from __future__ import annotations

import io
import os
import shutil

import pytest

from backcoach.cli.terminal_player import CTRL_D, ENTER, KeyReader, Voice


@pytest.fixture
def pipe() -> tuple[KeyReader, int, io.StringIO]:
    read_fd, write_fd = os.pipe()
    echo = io.StringIO()
    reader = KeyReader(os.fdopen(read_fd, "r"), echo)
    return reader, write_fd, echo


def test_keys_arrive_one_by_one_with_a_timeout(pipe: tuple[KeyReader, int, io.StringIO]) -> None:
    reader, write_fd, _ = pipe
    assert reader.read(0.01) is None
    os.write(write_fd, b"p\r\n")
    assert [reader.read(1.0), reader.read(1.0), reader.read(1.0)] == ["p", ENTER, ENTER]
    os.close(write_fd)
    assert reader.read(1.0) == CTRL_D


def test_a_typed_line_is_echoed_and_backspace_works(pipe: tuple[KeyReader, int, io.StringIO]) -> None:
    reader, write_fd, echo = pipe
    os.write(write_fd, b"12\x7f3\r")
    assert reader.read_line() == "13"
    assert echo.getvalue() == "12\b \b3\n"
    os.close(write_fd)
    assert reader.read_line() == "q"  # end of input quits


def test_voice_off_says_nothing() -> None:
    voice = Voice(enabled=False)
    assert not voice.enabled
    voice.say("Hold.")
    voice.close()


@pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng is not installed")
def test_voice_speaks_through_espeak_without_blocking() -> None:
    voice = Voice(enabled=True)
    assert voice.enabled
    voice.say("Hold for ten seconds.")
    speaking = voice._speaking
    assert speaking is not None and speaking.args[0].endswith("espeak-ng")
    voice.say("And relax.")  # cuts off the first cue
    assert speaking.wait(timeout=5) is not None
    voice.close()
    assert voice._speaking is None


@pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng is not installed")
def test_after_ctrl_c_the_voice_stops_at_once_instead_of_finishing_its_cue() -> None:
    voice = Voice(enabled=True)
    voice.say(" ".join(["Hold for ten seconds, breathing slowly and keep your hips level."] * 20))
    speaking = voice._speaking
    assert speaking is not None
    voice.close(wait=False)
    # stopped, not left to finish: espeak ends on SIGTERM rather than with its normal exit status 0
    assert speaking.wait(timeout=5) != 0
    assert voice._speaking is None
