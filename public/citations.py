"""Citations as RIS, BibTeX and CSL-JSON: publications (one or a filtered list), and
"cite this record" for a trial or a synthesis with the access date and data timestamp.

Each source is first turned into a neutral `Reference`; three pure writers format it.
"""

import json
import re
from dataclasses import dataclass, field
from datetime import date

SITE_NAME = "MDMA Evidence Tracker"
FORMATS = {
    "ris": ("application/x-research-info-systems; charset=utf-8", "ris"),
    "bibtex": ("application/x-bibtex; charset=utf-8", "bib"),
    "csl-json": ("application/vnd.citationstyles.csl+json; charset=utf-8", "json"),
}
# Our kinds of record as each format names them: (RIS, BibTeX, CSL).
TYPES = {
    "article": ("JOUR", "article", "article-journal"),
    "report": ("RPRT", "techreport", "report"),
    "news": ("NEWS", "misc", "article-newspaper"),
    "dataset": ("DATA", "misc", "dataset"),
}
PUBLICATION_TYPES = {"regulatory": "report", "news": "news"}
_ELLIPSIS = re.compile(r"^(…|\.\.\.|et al\.?)$", re.I)


@dataclass
class Reference:
    key: str
    kind: str  # a key of TYPES
    title: str
    authors: list[str] = field(default_factory=list)
    container: str = ""
    year: int | None = None
    volume_pages: str = ""
    doi: str = ""
    pmid: str = ""
    url: str = ""
    publisher: str = ""
    accessed: date | None = None
    note: str = ""


def split_authors(text: str) -> list[str]:
    """'Mitchell JM, Bogenschutz M, …' -> ['Mitchell JM', 'Bogenschutz M'], ellipsis dropped."""
    names = [part.strip() for part in re.split(r"[,;]", text or "")]
    return [n for n in names if n and not _ELLIPSIS.match(n)]


def publication_reference(publication, url: str) -> Reference:
    note = ""
    if publication.is_retracted:
        when = publication.retraction_date.isoformat() if publication.retraction_date else ""
        note = f"RETRACTED {when}".strip() + (
            f": {publication.retraction_notice}" if publication.retraction_notice else ""
        )
    elif publication.retraction_status != "none":
        note = publication.get_retraction_status_display()
    return Reference(
        key=f"pub{publication.pk}",
        kind=PUBLICATION_TYPES.get(publication.kind, "article"),
        title=publication.title,
        authors=split_authors(publication.authors) or split_authors(publication.first_author),
        container=publication.journal,
        year=publication.year,
        volume_pages=publication.citation,
        doi=publication.doi or "",
        pmid=publication.pmid or "",
        url=publication.url or url,
        note=note,
    )


def record_note(data_timestamp) -> str:
    stamp = data_timestamp.strftime("%Y-%m-%d %H:%M UTC") if data_timestamp else "unknown"
    return f"Data as of {stamp}."


def trial_reference(trial, url: str, accessed: date, data_timestamp) -> Reference:
    """A trial record as this site shows it (not the registry's own citation)."""
    ids = f" ({trial.nct_id})" if trial.nct_id else ""
    return Reference(
        key=f"trial-{trial.url_key}",
        kind="dataset",
        title=f"{trial.acronym + ': ' if trial.acronym else ''}{trial.brief_title}{ids}",
        authors=[trial.lead_sponsor.name] if trial.lead_sponsor_id else [],
        container=SITE_NAME,
        year=accessed.year,
        url=url,
        publisher=SITE_NAME,
        accessed=accessed,
        note=record_note(data_timestamp) + (f" Registry: {trial.registry_url}" if ids else ""),
    )


def synthesis_reference(synthesis, url: str, accessed: date, data_timestamp) -> Reference:
    return Reference(
        key=f"synthesis-{synthesis.family.slug}",
        kind="dataset",
        title=f"Pooled evidence: {synthesis.family.name} ({synthesis.options.method_name})",
        authors=[SITE_NAME],
        container=SITE_NAME,
        year=accessed.year,
        url=url,
        publisher=SITE_NAME,
        accessed=accessed,
        note=f"{synthesis.summary} {record_note(data_timestamp)}",
    )


def ris(refs: list[Reference]) -> str:
    lines = []
    for ref in refs:
        lines.append(f"TY  - {TYPES[ref.kind][0]}")
        lines += [f"AU  - {name}" for name in ref.authors]
        pairs = [
            ("TI", ref.title),
            ("T2", ref.container),
            ("PY", str(ref.year or "")),
            ("VL", ref.volume_pages),
            ("DO", ref.doi),
            ("AN", f"PMID:{ref.pmid}" if ref.pmid else ""),
            ("UR", ref.url),
            ("PB", ref.publisher),
            ("Y2", ref.accessed.isoformat() if ref.accessed else ""),
            ("N1", ref.note),
        ]
        lines += [f"{tag}  - {_one_line(value)}" for tag, value in pairs if value]
        lines += ["ER  - ", ""]
    return "\r\n".join(lines)


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def _bib_escape(text: str) -> str:
    text = _one_line(text)
    for char in "\\{}":
        text = text.replace(char, f"\\{char}")
    return re.sub(r"([&%$#_])", r"\\\1", text)


def bibtex(refs: list[Reference]) -> str:
    entries = []
    for ref in refs:
        fields = [
            ("title", f"{{{_bib_escape(ref.title)}}}"),
            ("author", " and ".join(f"{{{_bib_escape(a)}}}" for a in ref.authors)),
            ("journal" if ref.kind == "article" else "howpublished", _bib_escape(ref.container)),
            ("year", str(ref.year or "")),
            ("pages", _bib_escape(ref.volume_pages)),
            ("doi", _bib_escape(ref.doi)),
            ("pmid", ref.pmid),
            ("url", ref.url),
            ("publisher", _bib_escape(ref.publisher)),
            ("urldate", ref.accessed.isoformat() if ref.accessed else ""),
            ("note", _bib_escape(ref.note)),
        ]
        body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields if value)
        entries.append(f"@{TYPES[ref.kind][1]}{{{ref.key},\n{body}\n}}\n")
    return "\n".join(entries)


def csl_item(ref: Reference) -> dict:
    item = {"id": ref.key, "type": TYPES[ref.kind][2], "title": ref.title}
    if ref.authors:
        item["author"] = [{"literal": name} for name in ref.authors]
    optional = {
        "container-title": ref.container,
        "DOI": ref.doi,
        "PMID": ref.pmid,
        "URL": ref.url,
        "publisher": ref.publisher,
        "note": ref.note,
    }
    item.update({k: v for k, v in optional.items() if v})
    if ref.year:
        item["issued"] = {"date-parts": [[ref.year]]}
    if ref.accessed:
        a = ref.accessed
        item["accessed"] = {"date-parts": [[a.year, a.month, a.day]]}
    return item


def csl_json(refs: list[Reference]) -> str:
    return json.dumps([csl_item(ref) for ref in refs], ensure_ascii=False, indent=2)


WRITERS = {"ris": ris, "bibtex": bibtex, "csl-json": csl_json}
