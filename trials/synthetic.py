"""Realistic synthetic trials for benchmarks: one seeded plan, two shapes.

`plan(index, rng)` draws one trial (1–4 conditions, 2–4 arms with MDMA doses,
1–15 sites in 1–4 countries, 2–8 outcomes); `raw_record(plan)` turns it into a
ClinicalTrials.gov API v2 record the importer accepts, so the import benchmark
and `generate_synthetic` (which writes rows straight from the plan) describe the
same trials. Synthetic NCT ids start at NCT8000000 so they never meet real ones.
"""

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from json.encoder import encode_basestring

FIRST_ID = 80_000_000
CONDITIONS = (
    "Post-Traumatic Stress Disorder",
    "Major Depressive Disorder",
    "Treatment-resistant Depression",
    "Anxiety",
    "Social Anxiety Disorder",
    "Alcohol Use Disorder",
    "Eating Disorders",
    "Autism Spectrum Disorder",
    "Obsessive-Compulsive Disorder",
    "Bipolar Disorder",
    "Substance Use Disorder",
    "Healthy Volunteers",
)
COUNTRIES = (
    ("United States", "US"),
    ("Canada", "CA"),
    ("Israel", "IL"),
    ("United Kingdom", "GB"),
    ("Germany", "DE"),
    ("Netherlands", "NL"),
    ("Norway", "NO"),
    ("Switzerland", "CH"),
    ("Australia", "AU"),
    ("Czechia", "CZ"),
    ("Portugal", "PT"),
    ("Brazil", "BR"),
)
CITIES = ("North", "South", "East", "West", "Central", "Harbour", "Lake", "Hill")
PHASES = (("PHASE1",), ("PHASE2",), ("PHASE2", "PHASE3"), ("PHASE3",), ("EARLY_PHASE1",))
STATUSES = ("COMPLETED", "RECRUITING", "ACTIVE_NOT_RECRUITING", "TERMINATED", "WITHDRAWN")
DOSES = ((80, 40), (100, 50), (120, 60), (125, None), (75, None), (40, 20))
MEASURES = ("CAPS-5 total severity", "MADRS", "BDI-II", "PCL-5", "SDS", "C-SSRS", "PSQI")
SPONSORS = 300
WORDS = [
    "randomized",
    "double-blind",
    "placebo-controlled",
    "study",
    "of",
    "MDMA-assisted",
    "therapy",
    "with",
    "preparatory",
    "and",
    "integrative",
    "sessions",
    "measuring",
    "change",
    "from",
    "baseline",
    "in",
    "symptoms",
    "and",
    "safety",
    "over",
    "follow-up",
    "visits",
    "in",
    "adults",
    "meeting",
    "diagnostic",
    "criteria",
]
# One random byte per summary word: far cheaper than a choice() per word.
WORD_OF_BYTE = [WORDS[b % len(WORDS)] for b in range(256)]


@dataclass
class Plan:
    index: int
    nct_id: str
    title: str
    summary: str
    status: str
    phases: tuple[str, ...]
    start: date
    enrollment: int
    sponsor: str
    conditions: list[str]
    arms: list[tuple[str, str, tuple]] = field(default_factory=list)  # label, type, dose
    sites: list[tuple[str, str, str, str]] = field(default_factory=list)  # facility, city, ...
    outcomes: list[tuple[str, str, str]] = field(default_factory=list)  # kind, measure, time


def plan(index: int, rng: random.Random) -> Plan:
    """One trial's random choices, from `rng` only (so a seed fixes every trial)."""
    nct_id = f"NCT{FIRST_ID + index:08d}"
    conditions = rng.sample(CONDITIONS, rng.randint(1, 4))
    words = rng.sample(WORDS, 12)
    found = Plan(
        index=index,
        nct_id=nct_id,
        title=f"MDMA-assisted therapy for {conditions[0]}: {' '.join(words[:6])}",
        summary=" ".join(map(WORD_OF_BYTE.__getitem__, rng.randbytes(rng.randint(60, 160)))),
        status=rng.choice(STATUSES),
        phases=rng.choice(PHASES),
        start=date(2000, 1, 1) + timedelta(days=rng.randint(0, 9500)),
        enrollment=rng.randint(6, 600),
        sponsor=f"Synthetic Sponsor {rng.randint(1, SPONSORS)}",
        conditions=conditions,
    )
    arm_count = rng.randint(2, 4)
    for n in range(arm_count):
        placebo = n == arm_count - 1 and rng.random() < 0.5
        dose = (0, None) if placebo else rng.choice(DOSES)
        kind = "PLACEBO_COMPARATOR" if placebo else "EXPERIMENTAL"
        found.arms.append((f"Arm {n + 1}: {'placebo' if placebo else 'MDMA'}", kind, dose))
    countries = rng.sample(COUNTRIES, rng.randint(1, 4))
    for n in range(rng.randint(max(1, len(countries)), 15)):
        country, _ = countries[n % len(countries)]
        city = f"{rng.choice(CITIES)} {country.split()[0]}"
        found.sites.append((f"Synthetic Clinic {n + 1}", city, country, "RECRUITING"))
    for n in range(rng.randint(2, 8)):
        kind = "primaryOutcomes" if n == 0 else "secondaryOutcomes"
        found.outcomes.append((kind, rng.choice(MEASURES), f"Baseline to week {4 * (n + 2)}"))
    return found


def plans(count: int, seed: int = 0, start: int = 0):
    """`count` plans from `start`; each trial depends only on (seed, index)."""
    for index in range(start, start + count):
        yield plan(index, random.Random(f"{seed}:{index}"))


def _arm_description(dose: tuple) -> str:
    initial, supplemental = dose
    if not initial:
        return "Inactive placebo in each of three sessions with therapy."
    extra = f", then an optional {supplemental} mg half dose" if supplemental else ""
    return f"Midomafetamine {initial} mg in each of three sessions{extra}."


def raw_record(found: Plan) -> dict:
    """The plan as a ClinicalTrials.gov API v2 study record."""
    return {
        "protocolSection": {
            "identificationModule": {
                "nctId": found.nct_id,
                "orgStudyIdInfo": {"id": f"SYN-{found.index}"},
                "organization": {"fullName": found.sponsor, "class": "OTHER"},
                "briefTitle": found.title,
                "officialTitle": f"A Randomized Study: {found.title}",
            },
            "statusModule": {
                "overallStatus": found.status,
                "startDateStruct": {"date": found.start.isoformat(), "type": "ACTUAL"},
                "studyFirstPostDateStruct": {"date": found.start.isoformat(), "type": "ACTUAL"},
            },
            "sponsorCollaboratorsModule": {
                "leadSponsor": {"name": found.sponsor, "class": "OTHER"}
            },
            "descriptionModule": {"briefSummary": found.summary},
            "conditionsModule": {"conditions": found.conditions},
            "designModule": {
                "studyType": "INTERVENTIONAL",
                "phases": list(found.phases),
                "enrollmentInfo": {"count": found.enrollment, "type": "ACTUAL"},
            },
            "armsInterventionsModule": {
                "armGroups": [
                    {"label": label, "type": kind, "description": _arm_description(dose)}
                    for label, kind, dose in found.arms
                ],
                "interventions": [
                    {
                        "type": "DRUG",
                        "name": "Midomafetamine",
                        "otherNames": ["MDMA"],
                        "armGroupLabels": [a[0] for a in found.arms if a[2][0]],
                    }
                ],
            },
            "outcomesModule": _outcomes(found),
            "contactsLocationsModule": {
                "locations": [
                    {"facility": f, "city": c, "country": country, "status": s}
                    for f, c, country, s in found.sites
                ]
            },
        },
        "hasResults": False,
    }


def _outcomes(found: Plan) -> dict:
    module: dict[str, list] = {}
    for kind, measure, time_frame in found.outcomes:
        module.setdefault(kind, []).append({"measure": measure, "timeFrame": time_frame})
    return module


def raw_text(found: Plan) -> str:
    """`raw_json_text(raw_record(found))`, written straight from the plan.

    Building the nested dicts and dumping them with sorted keys was the slowest
    step of generate_synthetic; the keys below are already in sorted order.
    """
    q = encode_basestring
    start = q(found.start.isoformat())
    sponsor = q(found.sponsor)
    title = q(found.title)
    return (
        '{"hasResults":false,"protocolSection":{"armsInterventionsModule":'
        f"{_arms_text(found)},"
        f'"conditionsModule":{{"conditions":[{",".join(map(q, found.conditions))}]}},'
        f'"contactsLocationsModule":{{"locations":[{_sites_text(found)}]}},'
        f'"descriptionModule":{{"briefSummary":{q(found.summary)}}},'
        f'"designModule":{{"enrollmentInfo":{{"count":{found.enrollment},"type":"ACTUAL"}},'
        f'"phases":[{",".join(map(q, found.phases))}],"studyType":"INTERVENTIONAL"}},'
        f'"identificationModule":{{"briefTitle":{title},"nctId":{q(found.nct_id)},'
        f'"officialTitle":{q("A Randomized Study: " + found.title)},'
        f'"orgStudyIdInfo":{{"id":"SYN-{found.index}"}},'
        f'"organization":{{"class":"OTHER","fullName":{sponsor}}}}},'
        f'"outcomesModule":{_outcomes_text(found)},'
        f'"sponsorCollaboratorsModule":{{"leadSponsor":{{"class":"OTHER","name":{sponsor}}}}},'
        f'"statusModule":{{"overallStatus":{q(found.status)},'
        f'"startDateStruct":{{"date":{start},"type":"ACTUAL"}},'
        f'"studyFirstPostDateStruct":{{"date":{start},"type":"ACTUAL"}}}}}}}}'
    )


def _arms_text(found: Plan) -> str:
    q = encode_basestring
    groups = ",".join(
        f'{{"description":{q(_arm_description(dose))},"label":{q(label)},"type":{q(kind)}}}'
        for label, kind, dose in found.arms
    )
    dosed = ",".join(q(a[0]) for a in found.arms if a[2][0])
    return (
        f'{{"armGroups":[{groups}],"interventions":[{{"armGroupLabels":[{dosed}],'
        '"name":"Midomafetamine","otherNames":["MDMA"],"type":"DRUG"}]}'
    )


def _sites_text(found: Plan) -> str:
    q = encode_basestring
    return ",".join(
        f'{{"city":{q(c)},"country":{q(n)},"facility":{q(f)},"status":{q(s)}}}'
        for f, c, n, s in found.sites
    )


def _outcomes_text(found: Plan) -> str:
    q = encode_basestring
    parts = []
    for kind, items in _outcomes(found).items():
        listed = ",".join(
            f'{{"measure":{q(i["measure"])},"timeFrame":{q(i["timeFrame"])}}}' for i in items
        )
        parts.append(f"{q(kind)}:[{listed}]")
    return "{" + ",".join(parts) + "}"
