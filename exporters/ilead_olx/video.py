"""Video items: a ``<video>`` block with YouTube or HTML5 sources and SRT transcripts.

Open edX imports transcripts named in the block's ``transcripts`` map from ``static/``
and converts them itself, but it reads SRT (or its own SJSON), not WebVTT, so the
course's captions are converted here.
"""

from __future__ import annotations

import json
import re

from lxml import etree

from ilead_shell.identifiers import short_hash
from ilead_shell.model import Video

_TIMING = re.compile(
    r"^\s*(?P<start>(?:\d+:)?\d{1,2}:\d{2}[.,]\d{1,3})\s+-->\s+(?P<end>(?:\d+:)?\d{1,2}:\d{2}[.,]\d{1,3})")
_TAG = re.compile(r"</?[A-Za-z][^>]*>|<\d[^>]*>")
_PLAYABLE = re.compile(r"\.(mp4|webm|ogv|m3u8)(\?.*)?$", re.IGNORECASE)


def vtt_to_srt(vtt: str) -> str:
    """WebVTT cues as numbered SRT cues; header, NOTE, STYLE and REGION blocks dropped."""
    blocks = re.split(r"\n\s*\n", vtt.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff"))
    cues = []
    for block in blocks:
        lines = [line for line in block.split("\n") if line.strip()]
        timing_at = next((i for i, line in enumerate(lines) if _TIMING.match(line)), None)
        if timing_at is None:
            continue
        match = _TIMING.match(lines[timing_at])
        text = [_TAG.sub("", line).strip() for line in lines[timing_at + 1:]]
        cues.append((_srt_time(match["start"]), _srt_time(match["end"]), [t for t in text if t]))
    out = []
    for number, (start, end, text) in enumerate(cues, start=1):
        out.append(f"{number}\n{start} --> {end}\n" + "\n".join(text) + "\n")
    return "\n".join(out)


def _srt_time(stamp: str) -> str:
    clock, _, fraction = stamp.replace(",", ".").partition(".")
    parts = clock.split(":")
    if len(parts) == 2:
        parts.insert(0, "0")
    hours, minutes, seconds = (int(p) for p in parts)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d},{fraction.ljust(3, '0')[:3]}"


def html5_source(video: Video, static_url: str | None) -> str | None:
    """A URL the HTML5 player can play, or None (YouTube, or a page such as Vimeo's)."""
    if static_url:
        return static_url
    if video.url and _PLAYABLE.search(video.url):
        return video.url
    return None


def playable(video: Video, static_url: str | None) -> bool:
    return bool(video.youtube_id) or html5_source(video, static_url) is not None


def val_video_id(course_code: str, video: Video, srt: str) -> str:
    """The edx-val id of a captioned video: readable, and new whenever the captions change.

    edx-val keeps videos and their transcripts site-wide by this id and never replaces the
    transcript of an id it already holds, so a re-imported course with corrected captions
    needs a new id; the same captions keep the same id (and the same bytes on every build).
    """
    readable = re.sub(r"[^A-Za-z0-9_-]+", "-", f"{course_code}-{video.module_id}-{video.id}").strip("-")
    return f"{readable[:80]}-{short_hash(srt, 12)}"


def transcript_name(val_id: str, language: str) -> str:
    """The one name edx-val imports a transcript of ``<video_asset>`` from: ``static/<id>-<lang>.srt``."""
    return f"{val_id}-{language}.srt"


def video_block(video: Video, static_url: str | None, val_id: str | None, language: str) -> etree._Element:
    """The content of ``video/<url_name>.xml``, in the shape Studio exports.

    With captions, the video has an edx-val id and a ``<video_asset>`` listing its transcript:
    the platform imports that transcript first, and so does not go looking for the legacy
    ``subs_<youtube id>.srt.sjson`` it otherwise expects for every YouTube video (and logs as
    missing).
    """
    source = html5_source(video, static_url) if not video.youtube_id else None
    transcript_file = transcript_name(val_id, language) if val_id else None
    attributes = {
        "display_name": video.title,
        "youtube_id_1_0": video.youtube_id or "",
        "html5_sources": json.dumps([source] if source else []),
        "download_video": "true" if static_url else "false",
        "download_track": "true" if transcript_file else "false",
        "sub": "",
        "transcripts": json.dumps({language: transcript_file} if transcript_file else {}),
    }
    if val_id:
        attributes["edx_video_id"] = val_id
    if video.youtube_id:
        attributes["youtube"] = f"1.00:{video.youtube_id}"
    element = etree.Element("video", attributes)
    if source:
        etree.SubElement(element, "source", {"src": source})
    if transcript_file:
        etree.SubElement(element, "transcript", {"language": language, "src": transcript_file})
        # An external video to edx-val (no encodings): duration 0, no image, as Studio writes it.
        asset = etree.SubElement(element, "video_asset", {"client_video_id": video.title, "duration": "0.0",
                                                          "image": ""})
        transcripts = etree.SubElement(asset, "transcripts")
        etree.SubElement(transcripts, "transcript", {"file_format": "srt", "language_code": language,
                                                     "provider": "Custom"})
    return element
