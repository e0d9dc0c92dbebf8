"""Identifying files by their bytes, and measuring them."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from PIL import Image

from tandem.core import InvalidInput
from tandem.media import MediaKind, probe_file, sniff
from tests.support import media as files


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def probe(tmp_path: Path, data: bytes, name: str = "upload", **kwargs: object):
    return probe_file(write(tmp_path, name, data), **kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("data", "mime"),
    [
        (files.image(10, 10, "PNG"), "image/png"),
        (files.image(10, 10, "JPEG"), "image/jpeg"),
        (files.image(10, 10, "WEBP"), "image/webp"),
        (files.gif(10, 10, 1), "image/gif"),
        (files.heic(64, 48), "image/heic"),
        (files.mp4(), "video/mp4"),
        (files.mp4(brand=b"qt  "), "video/quicktime"),
        (files.mp4(brand=b"3gp5"), "video/3gpp"),
        (files.webm_header(), "video/webm"),
    ],
)
def test_the_format_comes_from_the_first_bytes(data, mime):
    found = sniff(data[:64])
    assert found is not None and found.mime_type == mime


@pytest.mark.parametrize(
    "data",
    [
        files.NOT_AN_IMAGE,
        b"%PDF-1.7\n",
        b"<svg xmlns='http://www.w3.org/2000/svg'/>",
        b"",
    ],
)
def test_text_documents_and_svg_are_not_media(data):
    assert sniff(data[:64]) is None


@pytest.mark.parametrize(
    ("width", "height"), [(1080, 1080), (1080, 1350), (1920, 1080), (1, 4000)]
)
def test_image_dimensions_are_read_with_pillow(tmp_path, width, height):
    result = probe(tmp_path, files.image(width, height))
    assert (result.kind, result.width, result.height) == (
        MediaKind.IMAGE,
        width,
        height,
    )


def test_exif_orientation_turns_the_reported_size(tmp_path):
    result = probe(tmp_path, files.jpeg_with_orientation(4000, 3000, orientation=6))
    assert (result.width, result.height) == (3000, 4000)


def test_an_upside_down_exif_orientation_keeps_the_size(tmp_path):
    result = probe(tmp_path, files.jpeg_with_orientation(4000, 3000, orientation=3))
    assert (result.width, result.height) == (4000, 3000)


def test_an_animated_gif_is_its_own_kind_and_a_still_gif_is_an_image(tmp_path):
    assert probe(tmp_path, files.gif(40, 30, frames=4)).kind is MediaKind.GIF
    assert probe(tmp_path, files.gif(40, 30, frames=1)).kind is MediaKind.IMAGE


def test_heic_without_a_pillow_decoder_is_measured_from_its_container(tmp_path):
    result = probe(tmp_path, files.heic(4032, 3024, rotation=270))
    assert (result.mime_type, result.width, result.height) == ("image/heic", 3024, 4032)
    assert "preview" in result.note


def test_a_text_file_named_like_a_photo_is_refused(tmp_path):
    with pytest.raises(InvalidInput, match="neither an image") as refused:
        probe(tmp_path, files.NOT_AN_IMAGE, name="holiday.jpg")
    assert refused.value.field == "file"


def test_a_truncated_png_is_called_damaged(tmp_path):
    data = files.image(300, 200)[:20]
    with pytest.raises(InvalidInput, match="incomplete or damaged"):
        probe(tmp_path, data)


def test_an_image_with_absurdly_many_pixels_is_refused_without_decoding(tmp_path):
    path = tmp_path / "huge.png"
    Image.new("1", (10_000, 9_500)).save(path)  # 95 million pixels, a few kilobytes
    with pytest.raises(InvalidInput, match="million pixels"):
        probe_file(path)


def test_mp4_duration_and_size_need_no_external_tool(tmp_path):
    result = probe(tmp_path, files.mp4(seconds=661, width=1080, height=1920))
    assert (result.kind, result.duration_seconds) == (MediaKind.VIDEO, 661)
    assert (result.width, result.height, result.note) == (1080, 1920, "")


def test_an_audio_only_mp4_is_refused(tmp_path):
    moov = files.box(
        b"moov", files.mvhd(1000, 5000) + files.trak(0, 0, handler=b"soun")
    )
    with pytest.raises(InvalidInput, match="no video track"):
        probe(tmp_path, files.ftyp(b"M4A ") + moov)


def test_an_unreadable_mp4_without_ffprobe_is_kept_with_the_reason(tmp_path):
    data = files.mp4(moov_last=True)
    result = probe(tmp_path, data[: len(data) - 300])
    assert (result.kind, result.duration_seconds, result.width) == (
        MediaKind.VIDEO,
        None,
        None,
    )
    assert "no moov box" in result.note and "ffprobe" in result.note


def test_a_webm_without_ffprobe_says_duration_is_unknown_and_why(tmp_path):
    result = probe(tmp_path, files.webm_header())
    assert result.mime_type == "video/webm" and result.duration_seconds is None
    assert "not installed" in result.note


def test_bytes_that_merely_contain_a_box_name_are_refused_when_nothing_parses(tmp_path):
    with pytest.raises(InvalidInput, match="neither an image"):
        probe(tmp_path, b"abcdfree and then some ordinary text\n")


def fake_ffprobe(tmp_path: Path, output: str, exit_code: int = 0) -> str:
    script = tmp_path / "ffprobe"
    script.write_text(f"#!/bin/sh\ncat <<'JSON'\n{output}\nJSON\nexit {exit_code}\n")
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return str(script)


WEBM_FACTS = """{"streams": [{"codec_type": "audio"},
 {"codec_type": "video", "width": 1280, "height": 720}],
 "format": {"duration": "15.040000"}}"""


def test_ffprobe_measures_what_the_pure_reader_cannot(tmp_path):
    ffprobe = fake_ffprobe(tmp_path, WEBM_FACTS)
    result = probe(tmp_path, files.webm_header(), ffprobe_path=ffprobe)
    assert (result.width, result.height, result.duration_seconds) == (1280, 720, 15.04)
    assert result.note == ""


def test_ffprobe_finding_no_video_stream_refuses_the_file(tmp_path):
    ffprobe = fake_ffprobe(tmp_path, '{"streams": [{"codec_type": "audio"}]}')
    with pytest.raises(InvalidInput, match="no video track"):
        probe(tmp_path, files.webm_header(), ffprobe_path=ffprobe)


def test_a_failing_ffprobe_leaves_the_video_unmeasured(tmp_path):
    ffprobe = fake_ffprobe(tmp_path, "Invalid data found", exit_code=1)
    result = probe(tmp_path, files.webm_header(), ffprobe_path=ffprobe)
    assert result.duration_seconds is None
    assert "neither Tandem nor ffprobe" in result.note


def test_the_pure_reader_is_preferred_over_ffprobe_for_mp4(tmp_path):
    ffprobe = fake_ffprobe(tmp_path, WEBM_FACTS)
    result = probe(tmp_path, files.mp4(seconds=30), ffprobe_path=ffprobe)
    assert result.duration_seconds == 30
