"""Video facts from FFmpeg's `ffprobe`, when it is installed: for WebM, Matroska and AVI,
and for MP4/MOV files the pure-Python reader cannot parse."""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

TIMEOUT_SECONDS = 30.0


@dataclass(frozen=True)
class Facts:
    width: int | None
    height: int | None
    duration_seconds: float | None
    has_video: bool


def find_ffprobe() -> str | None:
    """The ffprobe on PATH, looked up at call time (it may be installed after start-up)."""
    return shutil.which("ffprobe")


def run(
    executable: str, path: Path, *, timeout: float = TIMEOUT_SECONDS
) -> Facts | None:
    """What ffprobe says about `path`, or None when it fails, hangs or answers nonsense."""
    command = [
        executable,
        "-v",
        "error",
        "-print_format",
        "json",
        "-show_format",
        "-show_streams",
        str(path.resolve()),  # absolute, so a name can never read as an option
    ]
    try:
        done = subprocess.run(
            command, capture_output=True, timeout=timeout, check=False
        )
        data = json.loads(done.stdout or b"{}")
    except (OSError, subprocess.TimeoutExpired, ValueError):
        return None
    if done.returncode != 0 or not isinstance(data, dict):
        return None
    return parse(data)


def _float(value: Any) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _number(value: Any) -> float | None:
    number = _float(value)
    return number if number is not None and number > 0 else None


def _rotation(stream: dict[str, Any]) -> int:
    # FFmpeg 5+ reports a display matrix in side_data_list; older builds a "rotate" tag.
    for side in stream.get("side_data_list") or []:
        if isinstance(side, dict) and "rotation" in side:
            return abs(int(_float(side["rotation"]) or 0))
    tags = stream.get("tags")
    return abs(int(_float(tags.get("rotate")) or 0)) if isinstance(tags, dict) else 0


def parse(data: dict[str, Any]) -> Facts:
    """Facts from `ffprobe -print_format json -show_format -show_streams` output."""
    streams = [s for s in data.get("streams") or [] if isinstance(s, dict)]
    video = next((s for s in streams if s.get("codec_type") == "video"), None)
    fmt = data.get("format") if isinstance(data.get("format"), dict) else {}
    duration = _number(fmt.get("duration")) if fmt else None
    if video is None:
        return Facts(None, None, duration, has_video=False)
    duration = duration or _number(video.get("duration"))
    width, height = _number(video.get("width")), _number(video.get("height"))
    if _rotation(video) % 180 == 90:
        width, height = height, width
    return Facts(
        int(width) if width else None,
        int(height) if height else None,
        duration,
        has_video=True,
    )
