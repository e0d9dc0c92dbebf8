"""Whether attached files suit a platform and post type, and how to fix them."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from fractions import Fraction

from tandem.compose.rules.model import MediaKindRules, MediaRules, PlatformRules
from tandem.core import Problem, Severity
from tandem.media import MediaInfo, MediaKind

# Encoders round dimensions (1080 x 1349 is "4:5"): allow 1% either side.
_ASPECT_TOLERANCE = 0.01
_NOUNS = {MediaKind.IMAGE: "image", MediaKind.GIF: "GIF", MediaKind.VIDEO: "video"}


def check_media(rules: PlatformRules, media: Sequence[MediaInfo]) -> list[Problem]:
    problems = _check_counts(rules, media)
    for number, item in enumerate(media, start=1):
        kind_rules = _kind_rules(rules.media, item.kind)
        name = f"{_NOUNS[item.kind]} {number}"
        if kind_rules is None:
            problems.append(_error("media.format", _unsupported_kind(rules, item.kind)))
            continue
        problems += _check_file(rules, kind_rules, item, name)
        problems += _check_aspect(rules, kind_rules, item, name)
        problems += _check_duration(rules, kind_rules, item, name)
        problems += _check_alt_text(rules.media, item, name)
    return problems


def _kind_rules(media: MediaRules, kind: MediaKind) -> MediaKindRules | None:
    return {
        MediaKind.IMAGE: media.image,
        MediaKind.GIF: media.gif,
        MediaKind.VIDEO: media.video,
    }[kind]


def _error(code: str, message: str) -> Problem:
    return Problem(Severity.ERROR, code, message)


def _check_counts(rules: PlatformRules, media: Sequence[MediaInfo]) -> list[Problem]:
    limits = rules.media
    if not media:
        if not limits.required:
            return []
        return [
            _error(
                "media.missing",
                f"Attach {_wanted(limits)}: {rules.post_label} needs one.",
            )
        ]
    problems = []
    if len(media) > limits.max_items:
        extra = len(media) - limits.max_items
        message = f"Remove {extra} file{'s' * (extra > 1)}: {rules.label} takes at most {limits.max_items}."
        problems.append(_error("media.too_many", message))
    counts = Counter(item.kind for item in media)
    for kind, count in counts.items():
        kind_rules = _kind_rules(limits, kind)
        # A kind's own cap matters only below the post's (X: 4 files, 1 video).
        if (
            kind_rules
            and kind_rules.max_items < limits.max_items
            and count > kind_rules.max_items
        ):
            noun = _NOUNS[kind] + "s" * (kind_rules.max_items > 1)
            message = f"Keep at most {kind_rules.max_items} {noun}: {rules.label} takes no more in one post."
            problems.append(_error("media.too_many", message))
    if len(counts) > 1 and not limits.mixed_kinds:
        message = f"Post images and videos separately: {rules.label} doesn't mix them in one post."
        problems.append(_error("media.mixed", message))
    return problems


def _wanted(limits: MediaRules) -> str:
    if limits.image is None and limits.gif is None:
        return "a video"
    return "an image" if limits.video is None else "an image or a video"


def _unsupported_kind(rules: PlatformRules, kind: MediaKind) -> str:
    return f"Remove the {_NOUNS[kind]}: {rules.post_label} can't carry one ({_wanted(rules.media)} instead)."


def _check_file(
    rules: PlatformRules, kind_rules: MediaKindRules, item: MediaInfo, name: str
) -> list[Problem]:
    problems = []
    if item.mime_type.lower() not in kind_rules.mime_types:
        formats = ", ".join(
            sorted(_format_name(mime) for mime in kind_rules.mime_types)
        )
        message = (
            f"Convert {name} to {formats}: {rules.label} doesn't take {item.mime_type}."
        )
        problems.append(_error("media.format", message))
    if item.size_bytes > kind_rules.max_bytes:
        limit, actual = _megabytes(kind_rules.max_bytes), _megabytes(item.size_bytes)
        message = f"Compress {name} below {limit}: {rules.label} takes at most {limit} (it is {actual})."
        problems.append(_error("media.too_large", message))
    return problems


def _format_name(mime: str) -> str:
    subtype = mime.split("/", 1)[1].removeprefix("x-")
    return {"quicktime": "MOV", "jpeg": "JPEG"}.get(subtype, subtype.upper())


def _megabytes(size: int) -> str:
    if size >= 1_000_000_000:
        return f"{size / 1_000_000_000:.3g} GB"
    return f"{size / 1_000_000:.3g} MB"


def _check_aspect(
    rules: PlatformRules, kind_rules: MediaKindRules, item: MediaInfo, name: str
) -> list[Problem]:
    ratio = item.aspect_ratio
    if ratio is None:
        return []
    if kind_rules.aspect_ratio is not None:
        target = _outside(ratio, kind_rules.aspect_ratio, kind_rules.aspect_labels)
        if target:
            return [
                _error(
                    "media.aspect_ratio", f"Crop to {target} for {rules.post_label}."
                )
            ]
    if kind_rules.recommended_aspect is not None:
        target = _outside(ratio, kind_rules.recommended_aspect, ("", ""))
        if target:
            message = f"Crop to {target} for {rules.post_label}: {name} would be cropped or letterboxed."
            return [Problem(Severity.WARNING, "media.aspect_ratio", message)]
    return []


def _outside(ratio: float, bounds: tuple[float, float], labels: tuple[str, str]) -> str:
    """The ratio to crop to, or "" when `ratio` is within `bounds`."""
    low, high = bounds
    if ratio < low * (1 - _ASPECT_TOLERANCE):
        return labels[0] or _ratio_label(low)
    if ratio > high * (1 + _ASPECT_TOLERANCE):
        return labels[1] or _ratio_label(high)
    return ""


def _ratio_label(ratio: float) -> str:
    fraction = Fraction(ratio).limit_denominator(20)
    return f"{fraction.numerator}:{fraction.denominator}"


def _check_duration(
    rules: PlatformRules, kind_rules: MediaKindRules, item: MediaInfo, name: str
) -> list[Problem]:
    if kind_rules.duration is None or item.duration_seconds is None:
        return []
    shortest, longest = kind_rules.duration
    actual = _clock(item.duration_seconds)
    if item.duration_seconds > longest:
        message = f"Trim {name} to {_clock(longest)} or less: {rules.post_label} can't be longer (it is {actual})."
        return [_error("media.duration", message)]
    if item.duration_seconds < shortest:
        message = f"Use a video of at least {_clock(shortest)} for {rules.post_label} ({name} is {actual})."
        return [_error("media.duration", message)]
    return []


def _clock(seconds: float) -> str:
    whole = round(seconds)
    if whole < 60:
        return f"{seconds:g} s"
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def _check_alt_text(media: MediaRules, item: MediaInfo, name: str) -> list[Problem]:
    if not media.alt_text or item.kind is MediaKind.VIDEO:
        return []
    if not item.alt_text.strip():
        message = (
            f"Describe {name} in its alt text: people using screen readers rely on it."
        )
        return [Problem(Severity.WARNING, "media.alt_text_missing", message)]
    if media.alt_text_limit is not None and len(item.alt_text) > media.alt_text_limit:
        over = len(item.alt_text) - media.alt_text_limit
        message = f"Shorten the alt text of {name} by {over} characters: the limit is {media.alt_text_limit}."
        return [_error("media.alt_text_too_long", message)]
    return []
