"""The topic guard: is MDMA (or whatever CTGOV_TOPIC_TERMS names) an intervention of a study?

`query.intr` also matches other names and ancestor terms, so a sync can bring studies
where MDMA is not an intervention at all. A study whose intervention names, other
names and arm descriptions match none of the terms is stored as a draft with a
reason; an editor decides whether to publish it.
"""

import re
from collections.abc import Sequence

from trials.ctgov.records import ParsedStudy

OFF_TOPIC_REASON = "no intervention matches the topic terms"


def topic_pattern(terms: Sequence[str]) -> re.Pattern | None:
    """One case-insensitive whole-word pattern for the terms; None turns the guard off."""
    terms = [t.strip() for t in terms if t.strip()]
    if not terms:
        return None
    # Lookarounds rather than \b, which would need a word character at each end of a term.
    words = "|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{words})(?!\w)", re.IGNORECASE)


def topic_texts(parsed: ParsedStudy) -> list[str]:
    """The texts the guard reads: intervention names, their other names, arm descriptions."""
    texts = []
    for item in parsed.interventions or ():
        texts.append(item.name)
        texts += item.other_names
    texts += [arm.description for arm in parsed.arms or ()]
    return [t for t in texts if t]


def off_topic_reason(parsed: ParsedStudy, terms: Sequence[str]) -> str:
    """Why the study is off topic, or "" when it matches (or the guard is off)."""
    pattern = topic_pattern(terms)
    if pattern is None:
        return ""
    if any(pattern.search(text) for text in topic_texts(parsed)):
        return ""
    return f"{OFF_TOPIC_REASON} ({', '.join(terms)})"
