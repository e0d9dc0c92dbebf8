"""Reading path tables and journeys tables into flat integer arrays.

A *path table* has one row per distinct path, ChannelAttribution's shape: a path column of
channels joined by `sep`, a conversions column, optionally a value and a null column. A *journeys
table* has one row per touch (journey id, channel, timestamp) with the journey's outcome repeated
on each of its rows; it is what time-based models need and it folds into a path table.

Both pandas and polars frames are accepted: anything with `to_pandas()` is converted first, so
polars is never imported here. Paths are parsed once into `Paths`: touch codes in one flat
array with per-path offsets, which every model then works on with numpy instead of Python lists.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
import polars as pl

from tandem.core import InvalidInput

# Names the chain uses for its own states; a channel with one of them would be ambiguous.
RESERVED = ("(start)", "(conversion)", "(null)")

IntArray = npt.NDArray[np.int64]
_PARSE_CHUNK = 100_000  # paths split at a time
FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Columns:
    """Column names, ChannelAttribution's arguments; `None` means the table has no such column."""

    path: str = "path"
    conv: str = "total_conversions"
    value: str | None = "total_conversion_value"
    null: str | None = "total_null"
    sep: str = ">"


@dataclass(frozen=True)
class Paths:
    """Parsed paths: `codes[offsets[i]:offsets[i + 1]]` are path i's touches, in order.

    `channels[code]` names a code. `conv`, `value` and `null` are per path; `value` is all zeros
    and `has_value` false when the table had no value column.
    """

    channels: tuple[str, ...]
    codes: IntArray
    offsets: IntArray
    conv: FloatArray
    value: FloatArray
    null: FloatArray
    has_value: bool
    has_null: bool
    times: FloatArray | None = (
        None  # days before the journey's reference time, per touch
    )

    @property
    def size(self) -> int:
        return len(self.offsets) - 1

    @property
    def lengths(self) -> IntArray:
        return np.diff(self.offsets)

    def path_index(self) -> IntArray:
        """For each touch, the index of the path it belongs to."""
        return np.repeat(np.arange(self.size, dtype=np.int64), self.lengths)


def as_pandas(table: Any, *, what: str = "paths") -> pd.DataFrame:
    """A pandas DataFrame from a pandas or polars one (duck-typed: no polars import).

    polars' own `to_pandas()` needs pyarrow, which Tandem does not depend on, so columns are
    taken one by one as numpy arrays (`get_column(...).to_numpy()`), which polars does alone.
    """
    if isinstance(table, pd.DataFrame):
        return table
    get_column = getattr(table, "get_column", None)
    if callable(get_column) and hasattr(table, "columns"):
        return pd.DataFrame(
            {name: get_column(name).to_numpy() for name in table.columns}
        )
    to_pandas = getattr(table, "to_pandas", None)
    if callable(to_pandas):
        converted = to_pandas()
        if isinstance(converted, pd.DataFrame):
            return converted
    raise InvalidInput(
        f"{what} must be a pandas or polars DataFrame, got {type(table).__name__}; "
        "build one with pandas.DataFrame({...}) or polars.DataFrame({...})",
        field=what,
    )


def _numeric(frame: pd.DataFrame, column: str, what: str) -> FloatArray:
    if column not in frame.columns:
        raise InvalidInput(
            f"{what} has no column {column!r} (columns: {', '.join(map(str, frame.columns))}); "
            f"rename yours or pass its name as the matching var_ argument",
            field=column,
        )
    values = pd.to_numeric(frame[column], errors="coerce").to_numpy(dtype=np.float64)
    bad = ~np.isfinite(values) | (values < 0)
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        raise InvalidInput(
            f"column {column!r} must hold finite numbers >= 0; row {row} has "
            f"{frame[column].iloc[row]!r}",
            field=column,
        )
    return values


def _optional(
    frame: pd.DataFrame, column: str | None, default_name: str
) -> FloatArray | None:
    """A column the caller may leave out: absent under its default name means "not given"."""
    if column is None or (column == default_name and column not in frame.columns):
        return None
    return _numeric(frame, column, "paths")


def read_paths(table: Any, columns: Columns) -> Paths:
    """Parse a path table, validating every column; empty input is an error, not zero credit."""
    path_column: Any = None
    if callable(getattr(table, "get_column", None)) and columns.path in table.columns:
        # polars: keep the strings in Arrow memory for the parser; the rest goes to pandas.
        path_column = table.get_column(columns.path)
        table = table.drop(columns.path)
    frame = as_pandas(table)
    if (
        path_column is None
        and len(frame) == 0
        or path_column is not None
        and len(path_column) == 0
    ):
        raise InvalidInput(
            "paths is empty: attribution needs at least one path", field="paths"
        )
    if path_column is None:
        if columns.path not in frame.columns:
            raise InvalidInput(
                f"paths has no column {columns.path!r}; pass var_path= with the name of the "
                "column holding paths like 'search > email'",
                field=columns.path,
            )
        raw = frame[columns.path]
        if not pd.api.types.is_string_dtype(raw) and raw.notna().any():
            raise InvalidInput(
                f"column {columns.path!r} must hold text like 'search > email', "
                f"not {raw.dtype}",
                field=columns.path,
            )
        if raw.isna().any():
            raw = raw.astype(object).where(raw.notna(), None)
        path_column = raw.to_numpy(dtype=object)
    conv = _numeric(frame, columns.conv, "paths")
    value = _optional(frame, columns.value, Columns.value or "")
    null = _optional(frame, columns.null, Columns.null or "")
    strings = pl.Series(columns.path, path_column, dtype=pl.String, strict=False)
    return _parse(
        strings, columns.sep, conv=conv, value=value, null=null, field=columns.path
    )


def _parse(
    strings: pl.Series,
    sep: str,
    *,
    conv: FloatArray,
    value: FloatArray | None,
    null: FloatArray | None,
    field: str,
) -> Paths:
    """Split every path into touches and number the channels, in polars (Rust, no Python
    string per touch: 1e6 paths of 15 touches would otherwise be 15 million str objects)."""
    if not sep:
        raise InvalidInput(
            "sep must not be empty; ChannelAttribution uses '>'", field="sep"
        )
    if strings.null_count():
        row = int(np.flatnonzero(strings.is_null().to_numpy())[0])
        raise InvalidInput(
            f"paths row {row} has no path (or not a text one)", field=field
        )
    lengths = (
        (strings.str.count_matches(sep, literal=True) + 1).to_numpy().astype(np.int64)
    )
    offsets = np.zeros(len(strings) + 1, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1:])
    codes = np.empty(int(offsets[-1]), dtype=np.int64)
    known: dict[str, int] = {}
    # In slices, so the exploded touches (Arrow strings) never all exist at once.
    for start in range(0, len(strings), _PARSE_CHUNK):
        tokens = (
            strings.slice(start, _PARSE_CHUNK)
            .str.split(sep)
            .explode()
            .str.strip_chars()
        )
        for name in tokens.unique(maintain_order=True).to_list():
            known.setdefault(name, len(known))
        chunk = tokens.replace_strict(
            list(known), list(known.values()), return_dtype=pl.Int64
        )
        end = min(start + _PARSE_CHUNK, len(strings))
        codes[offsets[start] : offsets[end]] = chunk.to_numpy()
    names = list(known)
    if "" in names:
        first = int(np.flatnonzero(codes == names.index(""))[0])
        row = int(np.searchsorted(offsets, first, side="right") - 1)
        raise InvalidInput(
            f"paths row {row} ({strings[row]!r}) has an empty channel name; check sep={sep!r}",
            field=field,
        )
    for reserved in RESERVED:
        if reserved in names:
            raise InvalidInput(
                f"{reserved!r} is reserved for the chain's own states; rename that channel",
                field=field,
            )
    return Paths(
        channels=tuple(names),
        codes=codes,
        offsets=offsets,
        conv=conv,
        value=np.zeros_like(conv) if value is None else value,
        null=np.zeros_like(conv) if null is None else null,
        has_value=value is not None,
        has_null=null is not None,
    )


@dataclass(frozen=True)
class JourneyColumns:
    """Column names of a journeys table (one row per touch)."""

    journey: str = "journey_id"
    channel: str = "channel"
    time: str = "timestamp"
    conv: str = "total_conversions"
    value: str | None = "total_conversion_value"
    null: str | None = "total_null"
    converted_at: str | None = "converted_at"


def read_journeys(table: Any, columns: JourneyColumns) -> Paths:
    """Fold a journeys table into `Paths`, with each touch's age in days kept in `times`.

    A journey's touches are ordered by timestamp. Its outcome columns must hold one value per
    journey. Ages count back from `converted_at` when given, else from the journey's last touch.
    """
    frame = as_pandas(table, what="journeys")
    if len(frame) == 0:
        raise InvalidInput(
            "journeys is empty: attribution needs at least one touch", field="journeys"
        )
    for name in (columns.journey, columns.channel, columns.time):
        if name not in frame.columns:
            raise InvalidInput(
                f"journeys has no column {name!r}; a journeys table has one row per touch with "
                f"{columns.journey!r}, {columns.channel!r} and {columns.time!r}",
                field=name,
            )
    frame = frame.sort_values([columns.journey, columns.time], kind="stable")
    seconds = _seconds(frame[columns.time], columns.time)
    groups = frame.groupby(columns.journey, sort=False)
    first = groups.head(1).index
    outcome = frame.loc[first]
    for name in (columns.conv, columns.value or "", columns.null or ""):
        if name in frame.columns and (groups[name].nunique() > 1).any():
            bad = groups[name].nunique()
            journey = bad[bad > 1].index[0]
            raise InvalidInput(
                f"journey {journey!r} has different {name!r} values on its rows; repeat the "
                "journey's outcome on each of its touches",
                field=name,
            )
    conv = _numeric(outcome, columns.conv, "journeys")
    value = _optional(outcome, columns.value, JourneyColumns.value or "")
    null = _optional(outcome, columns.null, JourneyColumns.null or "")
    journey_pos = groups.ngroup().to_numpy()
    reference = pd.Series(seconds).groupby(journey_pos).transform("max").to_numpy()
    if columns.converted_at is not None and columns.converted_at in frame.columns:
        converted = _seconds(frame[columns.converted_at], columns.converted_at)
        reference = np.where(np.isnan(converted), reference, converted)
    ages = (reference - seconds) / 86_400.0
    channels = [str(c) for c in frame[columns.channel].to_numpy()]
    lengths = groups.size().to_numpy()
    strings = [
        " > ".join(channels[s : s + n])
        for s, n in zip(_starts(lengths), lengths, strict=True)
    ]
    parsed = _parse(
        pl.Series(columns.channel, strings, dtype=pl.String),
        ">",
        conv=conv,
        value=value,
        null=null,
        field=columns.channel,
    )
    return Paths(
        channels=parsed.channels,
        codes=parsed.codes,
        offsets=parsed.offsets,
        conv=parsed.conv,
        value=parsed.value,
        null=parsed.null,
        has_value=parsed.has_value,
        has_null=parsed.has_null,
        times=np.maximum(ages, 0.0),
    )


def _starts(lengths: npt.NDArray[Any]) -> list[int]:
    return [0, *np.cumsum(lengths)[:-1].tolist()]


def _seconds(series: pd.Series[Any], column: str) -> FloatArray:
    """Timestamps as epoch seconds (NaN where missing); numbers are taken as seconds already."""
    if pd.api.types.is_numeric_dtype(series):
        return series.to_numpy(dtype=np.float64)
    stamps = pd.to_datetime(series, utc=True, errors="coerce")
    if stamps.isna().sum() > series.isna().sum():
        raise InvalidInput(
            f"column {column!r} must hold timestamps (aware datetimes or ISO 8601 strings)",
            field=column,
        )
    ns = stamps.to_numpy(dtype="datetime64[ns]").astype(np.int64).astype(np.float64)
    return np.where(stamps.isna().to_numpy(), np.nan, ns / 1e9)
