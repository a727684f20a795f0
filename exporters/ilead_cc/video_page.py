"""A page that is a video: one embedded player plus captions or a transcript becomes a video item.

Cartridges have no video type, so writers (ours, Canvas's media pages) embed the player in a
page.  A page whose content is one YouTube embed or one ``<video>``, with a WebVTT captions
file (a ``<track>`` or a link to a ``.vtt``) or a "Transcript" section, is read back as a
video: the player's address or file, the captions, the transcript; the rest of the page is
its description.  A page with a player but neither captions nor transcript stays a page (the
source format requires one of them, WCAG 1.2.2).
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

from bs4 import BeautifulSoup, Tag

from ilead_shell.import_api import ImportedItem
from ilead_shell.references import parse

_EMBED = re.compile(r"^https?://(?:www\.)?(?:youtube(?:-nocookie)?\.com/embed/|youtu\.be/)(?P<id>[A-Za-z0-9_-]+)")


def _asset(url: str | None) -> str | None:
    reference = parse(url or "")
    return reference.target if reference is not None and reference.kind == "asset" else None


def _only_child_paragraph(node: Tag) -> Tag:
    parent = node.parent
    if isinstance(parent, Tag) and parent.name == "p" and len([c for c in parent.contents
                                                               if str(c).strip()]) == 1:
        return parent
    return node


def read_video(item: ImportedItem) -> None:
    soup = BeautifulSoup(item.body_html, "html.parser")
    players = soup.find_all("iframe") + soup.find_all("video")
    url = file = captions = None
    remove: list[Tag] = []
    if not players:
        # A video that only has an address: a "Watch ..." link to it.
        watch = [a for a in soup.find_all("a") if a.get_text().strip().startswith("Watch")
                 and (a.get("href") or "").startswith(("http://", "https://"))]
        if len(watch) != 1:
            return
        player = watch[0]
        url = player["href"]
    elif len(players) != 1:
        return
    else:
        player = players[0]
    if player.name == "a":
        pass
    elif player.name == "iframe":
        match = _EMBED.match(player.get("src") or "")
        if not match:
            return
        url = f"https://www.youtube.com/watch?v={match.group('id')}"
        for link in soup.find_all("a"):
            href = link.get("href") or ""
            parts = urlsplit(href)
            if parts.netloc.endswith("youtube.com") and parse_qs(parts.query).get("v") == [match.group("id")]:
                url = href
                remove.append(_only_child_paragraph(link))
    else:
        file = _asset(player.get("src"))
        if file is None:
            source = player.find("source")
            file = _asset(source.get("src")) if source is not None else None
        if file is None:
            url = player.get("src")
            if not (url or "").startswith(("http://", "https://")):
                return
        track = player.find("track")
        captions = _asset(track.get("src")) if track is not None else None
    remove.append(_only_child_paragraph(player))
    for link in soup.find_all("a"):
        target = _asset(link.get("href"))
        if target and target.lower().endswith(".vtt"):
            captions = captions or target
            remove.append(_only_child_paragraph(link))
    transcript_html = ""
    for heading in soup.find_all(["h2", "h3"]):
        if heading.get_text().strip() == "Transcript":
            parts = []
            for sibling in list(heading.next_siblings):
                parts.append(str(sibling))
                sibling.extract()
            heading.extract()
            transcript_html = "".join(parts).strip()
            break
    if not captions and not transcript_html:
        return
    for node in remove:
        node.extract()
    item.type = "video"
    item.url, item.file, item.captions = url, file, captions
    item.transcript_html = transcript_html
    item.body_html = str(soup).strip()
