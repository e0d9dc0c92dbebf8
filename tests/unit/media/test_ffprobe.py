"""Reading ffprobe's JSON, and surviving an ffprobe that misbehaves."""

from __future__ import annotations

import stat
from pathlib import Path

from tandem.media import ffprobe

# Trimmed from `ffprobe -print_format json -show_format -show_streams` (FFmpeg 5.1) on a
# phone video recorded in portrait: coded 1920x1080, displayed turned a quarter.
PORTRAIT = {
    "streams": [
        {
            "index": 0,
            "codec_type": "video",
            "width": 1920,
            "height": 1080,
            "duration": "3.200000",
            "side_data_list": [{"side_data_type": "Display Matrix", "rotation": -90}],
        },
        {"index": 1, "codec_type": "audio", "duration": "3.2"},
    ],
    "format": {"format_name": "mov,mp4,m4a,3gp,3g2,mj2", "duration": "3.200000"},
}


def test_a_display_matrix_rotation_turns_the_size():
    assert ffprobe.parse(PORTRAIT) == ffprobe.Facts(1080, 1920, 3.2, has_video=True)


def test_an_old_rotate_tag_also_turns_the_size():
    stream = {
        "codec_type": "video",
        "width": 640,
        "height": 480,
        "tags": {"rotate": "270"},
    }
    assert ffprobe.parse({"streams": [stream]}).width == 480


def test_the_stream_duration_is_used_when_the_container_has_none():
    stream = {"codec_type": "video", "width": 640, "height": 480, "duration": "9.5"}
    assert ffprobe.parse({"streams": [stream], "format": {}}).duration_seconds == 9.5


def test_garbage_values_become_unknowns():
    stream = {"codec_type": "video", "width": "wide", "height": None, "duration": "N/A"}
    facts = ffprobe.parse({"streams": [stream], "format": {"duration": "N/A"}})
    assert facts == ffprobe.Facts(None, None, None, has_video=True)


def script(tmp_path: Path, body: str) -> str:
    path = tmp_path / "ffprobe"
    path.write_text("#!/bin/sh\n" + body + "\n")
    path.chmod(path.stat().st_mode | stat.S_IEXEC)
    return str(path)


def test_a_hanging_ffprobe_is_given_up_on(tmp_path):
    slow = script(tmp_path, "sleep 5")
    assert ffprobe.run(slow, tmp_path / "clip.webm", timeout=0.2) is None


def test_output_that_is_not_json_is_ignored(tmp_path):
    assert ffprobe.run(script(tmp_path, "echo hello"), tmp_path / "clip.webm") is None


def test_a_missing_executable_is_ignored(tmp_path):
    assert ffprobe.run(str(tmp_path / "nowhere"), tmp_path / "clip.webm") is None


def test_the_file_is_passed_as_an_absolute_path(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    video = '{"streams": [{"codec_type": "video", "width": 2, "height": 2}]}'
    strict = script(tmp_path, f"case \"$7\" in /*) echo '{video}';; *) exit 1;; esac")
    facts = ffprobe.run(strict, Path("-clip.webm"))  # a name that reads like an option
    assert facts == ffprobe.Facts(2, 2, None, has_video=True)
