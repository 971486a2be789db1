"""Actors found in source texts: names, aliases and their spelling variants.

Each actor is known by its id, its name and its aliases (the scenario's ``aliases``). A name
matches a run of words of a sentence when every word matches, word by word, under these
token rules:

* case does not matter, except for acronyms (an alias of at most five capitals, ``US``,
  ``PMF``, ``KH``): those match only in capitals, with or without a plural ``s`` (``PMUs``),
  and ``U.S.`` reads as ``US``;
* apostrophes inside a word are dropped (``Kata'ib``, ``Kata’ib`` and ``Kataib`` are one
  word), possessives too (``Iran's``, ``Iraq’s``), hyphens split words (``al-Kadhimi``),
  accents are dropped;
* transliterations: in words of six letters or more, doubled letters count once and the
  vowels o/u read as a, e/y as i (``Hezbollah``, ``Hizballah``, ``Hizbollah`` are one word);
* a word of seven letters or more that is still unmatched matches a name's word within a
  RapidFuzz similarity of 88 (a typo, an unusual spelling).

The longest name wins where several overlap. Frequent capitalised names that match no actor
are listed as candidate missing stakeholders.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

__all__ = [
    "ActorMentions",
    "Candidate",
    "MentionIndex",
    "MentionReport",
    "find_mentions",
    "token_key",
    "tokens",
]

FUZZY_CUTOFF = 88
_WORD = re.compile(r"[^\W_]+(?:['’ʼ‘`][^\W_]+)*")
_DOTTED = re.compile(r"\b([A-Z])\.([A-Z])\.(?:([A-Z])\.)?")
_APOSTROPHES = re.compile("['’ʼ‘`]")
_POSSESSIVE = re.compile(r"['’ʼ]s$", re.IGNORECASE)
_ACRONYM = re.compile(r"^[A-Z]{2,5}$")
_VOWELS = str.maketrans({"o": "a", "u": "a", "e": "i", "y": "i"})
_DOUBLE = re.compile(r"(.)\1+")


def _fold(word: str) -> str:
    word = unicodedata.normalize("NFKD", word)
    return "".join(c for c in word if not unicodedata.combining(c)).casefold()


def token_key(word: str) -> str:
    """A word as names are compared (module docstring); acronyms keep their capitals."""
    word = _POSSESSIVE.sub("", word)
    word = _APOSTROPHES.sub("", word)
    if _ACRONYM.match(word) or (_ACRONYM.match(word[:-1]) and word.endswith("s")):
        return word[:-1] if word.endswith("s") and len(word) > 2 else word
    key = _fold(word)
    if len(key) >= 6:
        key = _DOUBLE.sub(r"\1", key.translate(_VOWELS))
    return key


def tokens(text: str) -> list[str]:
    """The words of a text (``U.S.`` as ``US``), hyphenated words split."""
    return _WORD.findall(_DOTTED.sub(lambda m: "".join(g for g in m.groups() if g), text))


@dataclass
class ActorMentions:
    """How often one actor is named in one source, and the sentences."""

    actor: str
    source: str
    count: int = 0
    sentences: list[str] = field(default_factory=list)
    names: Counter = field(default_factory=Counter)  # the words as written


@dataclass(frozen=True)
class Candidate:
    """A frequently capitalised name that is no actor of the scenario."""

    name: str
    count: int
    sources: tuple[str, ...]


@dataclass
class MentionReport:
    """Mentions per actor and source, actors never named, candidate missing stakeholders."""

    mentions: dict[str, dict[str, ActorMentions]]  # actor -> source -> mentions
    never_mentioned: list[str]
    candidates: list[Candidate]

    def total(self, actor: str) -> int:
        return sum(m.count for m in self.mentions.get(actor, {}).values())

    def to_dict(self) -> dict:
        return {
            "actors": {
                a: {
                    s: {"count": m.count, "sentences": m.sentences, "names": dict(m.names)}
                    for s, m in per.items()
                }
                for a, per in self.mentions.items()
            },
            "never_mentioned": self.never_mentioned,
            "candidates": [
                {"name": c.name, "count": c.count, "sources": list(c.sources)}
                for c in self.candidates
            ],
        }


class MentionIndex:
    """The names of a set of actors, compiled for fast matching of many sentences."""

    def __init__(self, names: Mapping[str, Iterable[str]]):
        self._by_first: dict[str, list[tuple[tuple[str, ...], str]]] = defaultdict(list)
        self._vocab: set[str] = set()
        for actor, actor_names in names.items():
            for name in actor_names:
                keys = tuple(token_key(t) for t in tokens(name))
                if keys and keys[0] not in ("the", "a"):
                    self._add(keys, actor)
                elif len(keys) > 1:
                    self._add(keys[1:], actor) if len(keys[1:]) > 1 else self._add(keys, actor)
        for entries in self._by_first.values():
            entries.sort(key=lambda e: -len(e[0]))
        self._cache: dict[str, str] = {}

    def _add(self, keys: tuple[str, ...], actor: str) -> None:
        self._by_first[keys[0]].append((keys, actor))
        self._vocab.update(keys)

    def _canonical(self, word: str) -> str:
        key = self._cache.get(word)
        if key is None:
            key = token_key(word)
            if key not in self._vocab and len(key) >= 7 and not _ACRONYM.match(key):
                from rapidfuzz import fuzz, process

                hit = process.extractOne(
                    key, self._vocab, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF
                )
                if hit is not None:
                    key = hit[0]
            self._cache[word] = key
        return key

    def match(self, sentence: str) -> list[tuple[str, str]]:
        """The (actor, words as written) named in a sentence, left to right."""
        words = tokens(sentence)
        keys = [self._canonical(w) for w in words]
        out: list[tuple[str, str]] = []
        i = 0
        while i < len(keys):
            for name, actor in self._by_first.get(keys[i], ()):
                if tuple(keys[i : i + len(name)]) == name:
                    out.append((actor, " ".join(words[i : i + len(name)])))
                    i += len(name)
                    break
            else:
                i += 1
        return out


def actor_names(scenario) -> dict[str, list[str]]:
    """Each actor's id, name and aliases (a parenthesis in the name also as its own name)."""
    out: dict[str, list[str]] = {}
    for actor in scenario.actors:
        names = [actor.name, *actor.aliases]
        m = re.match(r"^(.*?)\s*\((.*)\)$", actor.name)
        if m:
            names += [m.group(1), m.group(2)]
        if len(actor.id) > 3 or actor.id.upper() == actor.id:
            names.append(actor.id.replace("_", " ").replace("-", " "))
        out[actor.id] = list(dict.fromkeys(n for n in names if n.strip()))
    return out


_CAPITALISED = re.compile(
    r"\b(?:[A-Z][\w’'-]+)(?:\s+(?:(?:al|el|of|the|de|bin|ibn|and)[-\s]+)?[A-Z][\w’'-]+)*"
)
_NOT_NAMES = {
    "the", "a", "an", "this", "that", "these", "those", "it", "its", "in", "on", "at", "for",
    "but", "and", "or", "if", "as", "by", "to", "of", "with", "from", "he", "she", "they",
    "we", "i", "his", "her", "their", "our", "there", "here", "while", "although", "after",
    "before", "since", "when", "despite", "following", "regardless", "particularly",
    "unsurprisingly", "however", "moreover", "furthermore", "also", "such", "photo", "days",
    "to sum up", "thus", "therefore", "according", "yet", "so", "not", "all", "both", "one",
}  # fmt: skip
_CALENDAR = re.compile(
    r"^(?:January|February|March|April|May|June|July|August|September|October|November|"
    r"December|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)$"
)


#: single adjectives of nationality (Iraqi, Iranian, American): not stakeholders by themselves
_DEMONYM = re.compile(r"^[A-Z][a-z]+(?:ian|ean|ese|ish|ican|qi|i)$")
#: Lowercase or capitalised, the particles of Arabic names (``Al-Sadr`` is a name).
_PARTICLES = {"al", "el", "abu", "bin", "ibn", "bani", "bint"}


def is_compound_modifier(name: str) -> bool:
    """``US-Iraq`` (talks), ``Iran-Iraq`` (border): one word of capitalised names joined by
    hyphens qualifies something else; it is no stakeholder. ``Al-Sadr`` is a name."""
    parts = name.split("-")
    return (
        " " not in name
        and len(parts) >= 2
        and all(len(x) >= 2 and x[0].isupper() for x in parts)
        and parts[0].lower() not in _PARTICLES
    )


@functools.cache
def _geography() -> frozenset[tuple[str, ...]]:
    """The region and geographic terms shipped as ``kingmaker/data/geography.txt``, as keys."""
    from importlib import resources

    text = (resources.files("kingmaker") / "data" / "geography.txt").read_text("utf-8")
    terms = (line.strip() for line in text.splitlines())
    return frozenset(_name_key(t) for t in terms if t and not t.startswith("#"))


def _name_key(name: str) -> tuple[str, ...]:
    keys = tuple(token_key(t) for t in tokens(name))
    return keys[1:] if len(keys) > 1 and keys[0] == "the" else keys


def is_geography(name: str) -> bool:
    """Whether ``name`` is a region or geographic term (``Middle East``, ``the Gulf``): a
    place, never a stakeholder (``data/geography.txt``)."""
    return _name_key(name) in _geography()


def _candidate_names(sentence: str, matched: Sequence[str]) -> list[str]:
    found = []
    for m in _CAPITALISED.finditer(sentence):
        name = _POSSESSIVE.sub("", m.group(0).strip(" -’'"))
        words = name.split()
        while words and (words[0].lower() in _NOT_NAMES or _CALENDAR.match(words[0])):
            words = words[1:]
        if not words:
            continue
        name = " ".join(words)
        if _CALENDAR.match(name) or len(name) < 3 or _DEMONYM.match(name):
            continue
        if is_compound_modifier(name):
            continue
        if any(name in x or x in name for x in matched) or is_geography(name):
            continue
        found.append(name)
    return found


def find_mentions(
    scenario,
    texts: Mapping[str, str],
    *,
    actor: str | None = None,
    min_candidate_count: int = 3,
) -> MentionReport:
    """Mentions of the scenario's actors in ``texts`` (source id -> cleaned text)."""
    from .textutil import sentences

    names = actor_names(scenario)
    if actor is not None:
        if actor not in names:
            from ..errors import unknown_name
            from . import SourceError

            raise SourceError(unknown_name("actor", actor, names))
    index = MentionIndex(names)
    mentions: dict[str, dict[str, ActorMentions]] = {a: {} for a in names}
    cand_count: Counter = Counter()
    cand_sources: dict[str, set[str]] = defaultdict(set)
    for source, text in texts.items():
        for sent in sentences(text):
            hits = index.match(sent.text)
            for a, written in hits:
                m = mentions[a].setdefault(source, ActorMentions(a, source))
                m.count += 1
                m.names[written] += 1
                if not m.sentences or m.sentences[-1] != sent.text:
                    m.sentences.append(sent.text)
            for name in _candidate_names(sent.text, [w for _, w in hits]):
                cand_count[name] += 1
                cand_sources[name].add(source)
    never = [a for a, per in mentions.items() if not per]
    candidates = [
        Candidate(n, c, tuple(sorted(cand_sources[n])))
        for n, c in cand_count.most_common()
        if c >= min_candidate_count
    ]
    if actor is not None:
        mentions = {actor: mentions[actor]}
        never = [a for a in never if a == actor]
    return MentionReport(mentions, never, candidates)
