"""Uploading images to LinkedIn (Images API): initializeUpload -> PUT the bytes -> wait
until the image is AVAILABLE, then the post refers to it by its `urn:li:image:` URN.
https://learn.microsoft.com/linkedin/marketing/community-management/shares/images-api

Videos (Videos API: multi-part upload with ETags, then finalizeUpload) are not uploaded yet:
a video post fails permanently with a message saying so, before anything is sent.
Upload calls are sent with write=False: a lost answer leaves an unused image, never a post.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import quote

import httpx

from tandem.connectors.http import ConnectorHTTP
from tandem.connectors.uploads import MediaFile
from tandem.publish.ports import ErrorKind, PublishError

MAX_POLLS = 30


class ImageUploader:
    def __init__(
        self,
        http: ConnectorHTTP,
        api: str,
        *,
        poll_interval: float,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._http = http
        self._api = api
        self._poll_interval = poll_interval
        self._sleep = sleep

    def _value(self, response: httpx.Response) -> Mapping[str, Any]:
        try:
            body = response.json()
            value = body.get("value", body)
            if not isinstance(value, dict):
                raise ValueError("the answer is not a JSON object")
            return value
        except (ValueError, AttributeError) as exc:
            raise self._http.unreadable(response, exc, write=False) from exc

    def upload(self, headers: Mapping[str, str], owner: str, media: MediaFile) -> str:
        """The image URN for `media`, owned by the post's author (LinkedIn refuses a post
        whose image belongs to someone else)."""
        if media.is_video:
            raise PublishError(
                f"Tandem does not upload videos to LinkedIn yet ({media.name}); post an "
                "image, or upload the video on LinkedIn.",
                kind=ErrorKind.PERMANENT,
            )
        init = self._http.request(
            "POST",
            f"{self._api}/rest/images",
            params={"action": "initializeUpload"},
            headers=headers,
            json={"initializeUploadRequest": {"owner": owner}},
            write=False,
        )
        value = self._value(init)
        try:
            upload_url, image = str(value["uploadUrl"]), str(value["image"])
        except KeyError as exc:
            raise self._http.unreadable(init, exc, write=False) from exc
        self._http.request(
            "PUT",
            upload_url,
            headers={
                "Authorization": headers["Authorization"],
                "Content-Type": media.media_type,
            },
            content=media.content,
            write=False,
        )
        self._wait(headers, image, media)
        return image

    def _wait(self, headers: Mapping[str, str], image: str, media: MediaFile) -> None:
        for _ in range(MAX_POLLS):
            response = self._http.request(
                "GET",
                f"{self._api}/rest/images/{quote(image, safe='')}",
                headers=headers,
            )
            status = self._value(response).get("status")
            if status == "AVAILABLE":
                return
            if status == "PROCESSING_FAILED":
                raise PublishError(
                    f"LinkedIn could not process {media.name}; check it is a JPEG, PNG or "
                    "GIF under LinkedIn's size limits.",
                    kind=ErrorKind.PERMANENT,
                )
            self._sleep(self._poll_interval)
        raise PublishError(
            f"LinkedIn was still processing {media.name}; Tandem will try again later.",
            kind=ErrorKind.RETRY,
        )
