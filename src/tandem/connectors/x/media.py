"""Uploading a post's media to X (v2 media upload, OAuth 2.0 user token, scope media.write).

Images (JPEG, PNG) go in one request; GIFs and videos go through the chunked flow
(initialize -> append chunks -> finalize -> poll STATUS while X processes them).
https://docs.x.com/x-api/media/quickstart/media-upload-chunked

Every upload call is sent with write=False: a lost answer can leave an unused media object
on X (it expires by itself), never a post, so trying again is always safe.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import Any

from tandem.connectors.http import ConnectorHTTP
from tandem.connectors.uploads import MediaFile
from tandem.publish.ports import ErrorKind, PublishError

SIMPLE_PATH = "/2/media/upload"
CHUNK_BYTES = 4 * 1024 * 1024  # X accepts segments up to 5 MB; stay well under
MAX_PROCESSING_SECONDS = 600.0
CATEGORIES = {
    "image/jpeg": "tweet_image",
    "image/png": "tweet_image",
    "image/gif": "tweet_gif",
    "video/mp4": "tweet_video",
}


class MediaUploader:
    """Uploads files for one connector; `sleep` is injectable so tests do not wait."""

    def __init__(
        self,
        http: ConnectorHTTP,
        api: str,
        *,
        poll_interval: float,
        sleep: Callable[[float], None] = time.sleep,
        max_processing: float = MAX_PROCESSING_SECONDS,
    ) -> None:
        self._http = http
        self._api = api
        self._poll_interval = poll_interval
        self._sleep = sleep
        self._max_processing = max_processing

    def upload(self, headers: Mapping[str, str], media: MediaFile) -> str:
        """X's media id for `media`, ready to attach to a post."""
        category = CATEGORIES[media.media_type]
        if category == "tweet_image":
            return self._simple(headers, media, category)
        return self._chunked(headers, media, category)

    def _data(self, response: Any) -> Mapping[str, Any]:
        try:
            data = response.json()["data"]
            if not isinstance(data, dict):
                raise ValueError("`data` is not an object")
            return data
        except (ValueError, KeyError, TypeError) as exc:
            raise self._http.unreadable(response, exc, write=False) from exc

    def _simple(
        self, headers: Mapping[str, str], media: MediaFile, category: str
    ) -> str:
        response = self._http.request(
            "POST",
            self._api + SIMPLE_PATH,
            headers=headers,
            files={"media": (media.name, media.content, media.media_type)},
            data={"media_category": category, "media_type": media.media_type},
            write=False,
        )
        return str(self._data(response)["id"])

    def _chunked(
        self, headers: Mapping[str, str], media: MediaFile, category: str
    ) -> str:
        init = self._http.request(
            "POST",
            f"{self._api}{SIMPLE_PATH}/initialize",
            headers=headers,
            json={
                "media_type": media.media_type,
                "total_bytes": len(media.content),
                "media_category": category,
            },
            write=False,
        )
        media_id = str(self._data(init)["id"])
        for index, start in enumerate(range(0, len(media.content), CHUNK_BYTES)):
            self._http.request(
                "POST",
                f"{self._api}{SIMPLE_PATH}/{media_id}/append",
                headers=headers,
                files={
                    "media": (
                        media.name,
                        media.content[start : start + CHUNK_BYTES],
                        "application/octet-stream",
                    )
                },
                data={"segment_index": str(index)},
                write=False,
            )
        final = self._http.request(
            "POST",
            f"{self._api}{SIMPLE_PATH}/{media_id}/finalize",
            headers=headers,
            write=False,
        )
        info = self._data(final).get("processing_info")
        if info:
            self._wait(headers, media_id, info, media)
        return media_id

    def _wait(
        self,
        headers: Mapping[str, str],
        media_id: str,
        info: Mapping[str, Any],
        media: MediaFile,
    ) -> None:
        """Poll STATUS until X has processed the video (or says it cannot)."""
        waited = 0.0
        while True:
            state = info.get("state")
            if state == "succeeded":
                return
            if state == "failed":
                error = info.get("error") or {}
                raise PublishError(
                    f"X could not process {media.name}: "
                    f"{error.get('message') or error.get('name') or 'processing failed'}. "
                    "Check the video meets X's limits (MP4/H.264, up to 140 s).",
                    kind=ErrorKind.PERMANENT,
                )
            if waited >= self._max_processing:
                raise PublishError(
                    f"X was still processing {media.name} after {waited:.0f} s; "
                    "Tandem will try again later.",
                    kind=ErrorKind.RETRY,
                )
            delay = float(info.get("check_after_secs") or self._poll_interval)
            self._sleep(delay)
            waited += delay
            response = self._http.request(
                "GET",
                self._api + SIMPLE_PATH,
                headers=headers,
                params={"command": "STATUS", "media_id": media_id},
            )
            info = self._data(response).get("processing_info") or {"state": "succeeded"}
