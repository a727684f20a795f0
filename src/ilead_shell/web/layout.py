"""Where pages, media and static files sit inside a web bundle.

Module overviews are ``<pages>/<module>.html`` and items ``<pages>/<module>/<item>.html``,
so no item id (not even ``index``) can collide with an overview.  Media keep their
``bundle_path`` under their own folder, apart from pages.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..model import Asset, Item, Module


@dataclass(frozen=True)
class WebLayout:
    static_dir: str = "static"
    media_dir: str = "media"
    pages_dir: str = "modules"
    home_page: str = "index.html"
    search_page: str = "search.html"
    search_index: str = "search-index.js"

    def module_page(self, module_id: str) -> str:
        return f"{self.pages_dir}/{module_id}.html"

    def item_page(self, module_id: str, item_id: str) -> str:
        return f"{self.pages_dir}/{module_id}/{item_id}.html"

    def page(self, node: Module | Item) -> str:
        """The page of a module's overview or of an item."""
        if isinstance(node, Module):
            return self.module_page(node.id)
        return self.item_page(node.module_id, node.id)

    def media(self, asset: Asset) -> str:
        return f"{self.media_dir}/{asset.bundle_path}"

    def static(self, name: str) -> str:
        return f"{self.static_dir}/{name}"

    def logo(self, asset: Asset) -> str:
        """The course logo (course.yml ``theme: logo:``), kept apart from the course's files."""
        return f"{self.static_dir}/logo/{asset.bundle_path.rsplit('/', 1)[-1]}"
