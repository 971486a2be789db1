"""From documents to evidence: reading sources, cleaning them, and finding what they say.

* :mod:`.readers`: HTML (trafilatura), PDF (pypdf), DOCX (python-docx), text and Markdown into
  a :class:`~.readers.Document` (main text and metadata);
* :mod:`.boilerplate`: the filter that drops navigation, share lines, ads and related-article
  lists from a raw text capture of a web page;
* :mod:`.textutil`: normalisation and sentence splitting;
* :mod:`.mentions`: actors and their aliases found in sources;
* :mod:`.timeline`: dated events;
* :mod:`.store`: the cleaned texts kept beside a scenario.

Layer rule: this package may import ``scenario``, ``results``, ``errors`` and ``files``;
nothing here imports the command line or the web app.
"""

from __future__ import annotations

from ..errors import KingmakerError


class SourceError(KingmakerError):
    """A document that cannot be read or stored as a source (which file, what went wrong)."""


__all__ = ["SourceError"]
