"""Search that knows the field: accent folding, topic synonyms and "did you mean".

One mechanism on both databases: the stored search text is folded in Python
(``Østfold`` is kept as ``Ostfold``), queries are folded the same way, and every term
is widened to its synonyms from ``trials/data/search_synonyms.txt``. PostgreSQL then
matches the folded text with full-text search (ranked); SQLite with substring tests.
"""

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django.contrib.postgres.search import SearchQuery
from django.db.models import Q

SYNONYMS_FILE = Path(__file__).parent / "data" / "search_synonyms.txt"
# Letters that Unicode does not decompose into a base letter plus an accent.
_UNDECOMPOSED = str.maketrans(
    {"ø": "o", "Ø": "O", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ß": "ss", "đ": "d"}
    | {"Đ": "D", "ł": "l", "Ł": "L", "ı": "i", "þ": "th", "Þ": "Th", "ð": "d", "Ð": "D"}
)
_TERM = re.compile(r'(-?)"([^"]+)"|(-?)(\S+)')
_WORD = re.compile(r"[a-z0-9]{3,}")


def fold(text: str) -> str:
    """The text without accents, case kept: ``Sykehuset Østfold`` → ``Sykehuset Ostfold``."""
    if text.isascii():  # nothing to fold; the walk below costs milliseconds per trial
        return text
    decomposed = unicodedata.normalize("NFKD", text.translate(_UNDECOMPOSED))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _key(term: str) -> str:
    return " ".join(fold(term).casefold().split())


@lru_cache(maxsize=1)
def synonym_groups() -> dict[str, tuple[str, ...]]:
    """Each folded term of the synonyms file mapped to its whole group."""
    groups: dict[str, tuple[str, ...]] = {}
    for line in SYNONYMS_FILE.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        group = tuple(term.strip() for term in line.split("|") if term.strip())
        for term in group:
            groups[_key(term)] = group
    return groups


def alternatives(term: str) -> list[str]:
    """The term itself first, then its synonyms; a term outside every group stands alone."""
    group = synonym_groups().get(_key(term), ())
    return [term] + [other for other in group if _key(other) != _key(term)]


@dataclass(frozen=True)
class Clause:
    """One search term with its synonyms: any alternative matches; ``excluded`` negates."""

    alternatives: tuple[str, ...]
    excluded: bool = False


def parse(q: str) -> list[Clause]:
    """Web-search syntax (words, "phrases", -exclusions, OR) into clauses that are AND-ed.

    A whole query that is itself a synonym ("major depression") is one clause.
    """
    if _key(q) in synonym_groups():
        return [Clause(tuple(alternatives(q.strip())))]
    clauses: list[Clause] = []
    join_next = False
    for match in _TERM.finditer(q):
        minus_phrase, phrase, minus_word, word = match.groups()
        text = (phrase or word or "").strip()
        if not text:
            continue
        if text == "OR" and not phrase:
            join_next = bool(clauses)
            continue
        excluded = bool(minus_phrase or minus_word)
        clause = Clause(tuple(alternatives(text)), excluded)
        if join_next and not excluded and not clauses[-1].excluded:
            clause = Clause(clauses.pop().alternatives + clause.alternatives)
        clauses.append(clause)
        join_next = False
    return clauses


def postgres_query(q: str) -> SearchQuery | None:
    """One tsquery for the whole search: alternatives OR-ed, clauses AND-ed."""
    combined = None
    for clause in parse(q):
        query = None
        for text in clause.alternatives:
            part = SearchQuery(fold(text), search_type="phrase", config="english")
            if clause.excluded:
                # None of them: ~a & ~b (a negated combination is no longer a SearchQuery).
                query = ~part if query is None else query & ~part
            else:
                query = part if query is None else query | part
        combined = query if combined is None else combined & query
    return combined


def substring_filter(q: str, field: str = "search_text") -> Q:
    """The same search as substring tests, for SQLite (case-insensitive on folded text)."""
    condition = Q()
    for clause in parse(q):
        any_of = Q()
        for text in clause.alternatives:
            any_of |= Q(**{f"{field}__icontains": fold(text)})
        condition &= ~any_of if clause.excluded else any_of
    return condition


def edit_distance(a: str, b: str, limit: int) -> int:
    """Optimal string alignment distance (a swap of neighbours counts once), capped at limit + 1."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    before, row = None, list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            current[j] = min(row[j] + 1, current[j - 1] + 1, row[j - 1] + (ca != cb))
            if before is not None and i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], before[j - 2] + 1)
        before, row = row, current
    return min(row[-1], limit + 1)


def vocabulary_words(texts) -> set[str]:
    """The folded, lower-case words of at least three letters in the given texts."""
    words: set[str] = set()
    for text in texts:
        if text:
            words.update(_WORD.findall(_key(text)))
    for key in synonym_groups():
        words.update(_WORD.findall(key))
    return words


def vocabulary(trials) -> set[str]:
    """The words a search of these trials can find, from their narrow descriptive columns.

    Only computed for a search that found nothing, so its cost stays off the common path.
    """
    columns = ("brief_title", "acronym", "conditions__name", "interventions__name")
    texts = []
    for column in columns + ("lead_sponsor__name",):
        texts += trials.order_by().values_list(column, flat=True).distinct()
    return vocabulary_words(texts)


def suggest(q: str, vocabulary: set[str]) -> str | None:
    """The query with each unknown word replaced by the nearest known one, if any changed."""
    changed = False
    out = []
    for match in _TERM.finditer(q):
        token = match.group(0)
        word = _key(match.group(4) or "")
        if word and word.isalpha() and len(word) >= 3 and word not in vocabulary:
            limit = 1 if len(word) <= 5 else 2
            best = min(
                vocabulary,
                key=lambda v: (edit_distance(word, v, limit), abs(len(v) - len(word)), v),
                default=None,
            )
            if best and edit_distance(word, best, limit) <= limit:
                token = match.group(3) + (best.upper() if match.group(4).isupper() else best)
                changed = True
        out.append(token)
    return " ".join(out) if changed else None
