"""The pure-Python ISO BMFF reader: duration and size from MP4/MOV, size from HEIF."""

from __future__ import annotations

import io
import struct

import pytest

from tandem.media import mp4
from tests.support import media as files


def movie(data: bytes) -> mp4.Movie:
    return mp4.read_movie(io.BytesIO(data))


def test_it_reads_duration_from_mvhd_and_size_from_tkhd():
    assert movie(files.mp4(seconds=12.5, width=1080, height=1920)) == mp4.Movie(
        12.5, 1080, 1920
    )


def test_it_reads_version_1_boxes_with_64_bit_times():
    data = files.mp4(seconds=3600.25, timescale=90000, version=1)
    assert movie(data).duration_seconds == pytest.approx(3600.25)


def test_it_finds_the_moov_after_a_large_mdat():
    data = files.mp4(seconds=61, moov_last=True, mdat_bytes=200_000)
    assert movie(data).duration_seconds == 61


def test_a_quarter_turn_matrix_swaps_width_and_height():
    data = files.mp4(width=1920, height=1080, matrix=files.ROTATE_90)
    assert (movie(data).width, movie(data).height) == (1080, 1920)


def test_the_video_track_is_chosen_by_its_handler_not_its_position():
    audio = files.trak(0, 0, handler=b"soun")
    cover = files.trak(600, 600, handler=b"text")  # a chapter-image style track
    data = files.mp4(
        width=1280, height=720, handler=b"vide", extra_tracks=audio + cover
    )
    assert (movie(data).width, movie(data).height) == (1280, 720)


def test_an_audio_only_file_has_no_video_track():
    moov = files.box(
        b"moov", files.mvhd(1000, 5000) + files.trak(0, 0, handler=b"soun")
    )
    with pytest.raises(mp4.NoVideoTrack):
        movie(files.ftyp(b"M4A ") + moov)


def test_a_file_cut_before_the_moov_is_reported():
    data = files.mp4(moov_last=True)
    with pytest.raises(mp4.Mp4Error, match="no moov"):
        movie(data[: len(data) - 300])


def test_a_box_larger_than_its_parent_is_refused():
    moov = files.box(b"moov", struct.pack(">I4s", 5000, b"trak") + b"\0" * 16)
    with pytest.raises(mp4.Mp4Error, match="overruns"):
        movie(files.ftyp(b"isom") + moov)


def test_a_box_with_a_64_bit_size_is_walked():
    payload = b"\0" * 32
    large_mdat = struct.pack(">I4sQ", 1, b"mdat", 16 + len(payload)) + payload
    moov = files.box(b"moov", files.mvhd(1000, 2000) + files.trak(640, 480))
    assert movie(files.ftyp(b"isom") + large_mdat + moov).duration_seconds == 2


def test_an_unknown_duration_is_none_not_a_huge_number():
    moov = files.box(b"moov", files.mvhd(1000, 0xFFFFFFFF) + files.trak(640, 480))
    assert movie(files.ftyp(b"isom") + moov).duration_seconds is None


def test_a_fragmented_file_gives_its_duration_in_mvex_mehd():
    mehd = files.full_box(b"mehd", 0, struct.pack(">I", 7500))
    moov = files.box(
        b"moov",
        files.mvhd(1000, 0) + files.box(b"mvex", mehd) + files.trak(640, 480),
    )
    assert movie(files.ftyp(b"iso6") + moov).duration_seconds == 7.5


def test_a_short_header_box_is_a_parse_error_not_a_crash():
    moov = files.box(b"moov", files.box(b"mvhd", b"\0" * 8) + files.trak(640, 480))
    with pytest.raises(mp4.Mp4Error, match="too short"):
        movie(files.ftyp(b"isom") + moov)


def test_heif_size_is_the_primary_items_turned_by_irot():
    data = files.heic(4032, 3024, rotation=90)
    assert mp4.read_heif_size(io.BytesIO(data)) == (3024, 4032)


def test_heif_size_ignores_the_thumbnail():
    assert mp4.read_heif_size(io.BytesIO(files.heic(4032, 3024))) == (4032, 3024)


def test_heif_without_item_properties_is_refused():
    data = files.ftyp(b"heic", b"mif1") + files.full_box(b"meta", 0, b"")
    with pytest.raises(mp4.Mp4Error):
        mp4.read_heif_size(io.BytesIO(data))
