"""A page as a browser's parser sees it: the standard library's html.parser, entities decoded."""

from __future__ import annotations

from html.parser import HTMLParser

VOID = {"meta", "link", "img", "input", "br", "hr", "source", "track", "wbr"}


class Page(HTMLParser):
    """Every element as {"tag", "attrs", "text"} (the text of everything inside it), in document order."""

    def __init__(self, markup: str | bytes):
        super().__init__(convert_charrefs=True)
        self.elements: list[dict] = []
        self._open: list[dict] = []
        self.feed(markup.decode("utf-8") if isinstance(markup, bytes) else markup)
        self.close()

    def handle_starttag(self, tag, attrs):
        element = {"tag": tag, "attrs": dict(attrs), "text": "", "within": [id(e) for e in self._open]}
        self.elements.append(element)
        if tag not in VOID:
            self._open.append(element)

    def handle_endtag(self, tag):
        for i in range(len(self._open) - 1, -1, -1):
            if self._open[i]["tag"] == tag:
                del self._open[i:]
                return

    def handle_data(self, data):
        for element in self._open:
            element["text"] += data

    def all(self, tag: str | None = None, **attrs) -> list[dict]:
        """Elements by tag and attributes (class_="x" for class, data_start="1" for data-start);
        `class_` matches one of the element's classes."""
        def matches(element) -> bool:
            for key, value in attrs.items():
                name = key.rstrip("_").replace("_", "-")
                have = element["attrs"].get(name)
                if name == "class" and value in (have or "").split():
                    continue
                if have != value:
                    return False
            return True

        return [e for e in self.elements if (tag is None or e["tag"] == tag) and matches(e)]

    def one(self, tag: str | None = None, **attrs) -> dict:
        found = self.all(tag, **attrs)
        assert len(found) == 1, f"{len(found)} <{tag} {attrs}> elements"
        return found[0]

    def inside(self, outer: dict, tag: str | None = None, **attrs) -> list[dict]:
        """Elements of `self.all(tag, **attrs)` nested in `outer`."""
        return [e for e in self.all(tag, **attrs) if id(outer) in e["within"]]

    def meta(self, prop: str) -> str | None:
        found = [e["attrs"]["content"] for e in self.elements
                 if e["tag"] == "meta" and (e["attrs"].get("property") == prop or e["attrs"].get("name") == prop)]
        return found[0] if found else None

    @staticmethod
    def text(element: dict) -> str:
        return " ".join(element["text"].split())
