"""HTML as a browser reads it, for assertions about fragments: parsed with the HTML5 rules
(tinyhtml5) and queried with CSS selectors (cssselect2), instead of slicing the markup as text.

A slice (`body[body.index('id="x"'):]` up to the next `</li>`) breaks when an attribute moves or a
nested list appears, and passes when it cuts in the wrong place; a selector names the element.
"""

from __future__ import annotations

from dataclasses import dataclass
from xml.etree.ElementTree import Element as EtreeElement

import cssselect2
import tinyhtml5


@dataclass(frozen=True)
class Element:
    """One element of a parsed page or fragment."""

    _wrapper: cssselect2.ElementWrapper

    @property
    def _element(self) -> EtreeElement:
        return self._wrapper.etree_element

    @property
    def tag(self) -> str:
        """The name without its namespace: "li", "svg", "text"."""
        return self._element.tag.rpartition("}")[2]

    @property
    def attrs(self) -> dict[str, str]:
        return dict(self._element.attrib)

    def get(self, name: str, default: str | None = None) -> str | None:
        return self._element.get(name, default)

    def has(self, name: str) -> bool:
        """Whether the attribute is there at all (`autofocus`, `selected`, `checked`)."""
        return name in self._element.attrib

    @property
    def text(self) -> str:
        """The text inside, with runs of white space made one space, as a reader sees it."""
        return " ".join("".join(self._element.itertext()).split())

    @property
    def parent(self) -> Element | None:
        found = self._wrapper.parent
        return Element(found) if found is not None else None

    def ancestors(self) -> list[Element]:
        """From the parent up to the document's root."""
        return [Element(found) for found in reversed(list(self._wrapper.iter_ancestors()))]

    def select(self, css: str) -> list[Element]:
        """Elements inside this one matching `css`, in document order."""
        return [Element(found) for found in self._wrapper.query_all(css)]

    def select_one(self, css: str) -> Element:
        """The one element inside this one matching `css`; fails unless there is exactly one."""
        found = self.select(css)
        assert len(found) == 1, f"{len(found)} elements match {css!r}, not one"
        return found[0]


def parse(html: str) -> Element:
    """The document (a fragment is put in a body, as a browser would)."""
    return Element(cssselect2.ElementWrapper.from_html_root(tinyhtml5.parse(html)))


def select(html: str, css: str) -> list[Element]:
    """Elements of `html` matching `css`, in document order."""
    return parse(html).select(css)


def select_one(html: str, css: str) -> Element:
    """The one element of `html` matching `css`; fails unless there is exactly one."""
    return parse(html).select_one(css)


def texts(html: str, css: str) -> list[str]:
    """The text of each element matching `css`."""
    return [element.text for element in select(html, css)]


def ids_in_order(html: str, css: str) -> list[str]:
    """The ids of the elements matching `css`, in the order the page has them."""
    return [element.get("id") for element in select(html, css)]
