"""docs/benchmarks.md from one benchmark run: figures beside the targets of issue 13."""

import math
from datetime import UTC, datetime

from bench_http import percentiles

TARGETS = """Targets (issue 13, 100k trials, 2 cores): list, filtered, search and deep page
≤ 3× bare warm and ≤ 30× bare cold; overview and trial page ≤ 3× bare; ≤ 8 queries per
page; 100k-row CSV ≤ 8 s with flat memory; import ≥ 300 new and ≥ 3,000 unchanged
studies/s with peak RSS ≤ 300 MB; 20 clients × 30 s on `/trials/` ≥ 50% of the bare
view's requests/s."""


def _cell(sample, bare_p50) -> str:
    if sample is None:
        return "– | – | – | – | –"
    if not sample["ms"]:
        return "no answer | | | | "
    p50, p95, p99 = percentiles(sample)
    errors = f" ({sample['errors']} errors)" if sample["errors"] else ""
    ratio = p50 / bare_p50 if bare_p50 else math.nan
    return f"{p50:,.0f} | {p95:,.0f} | {p99:,.0f} | {ratio:,.1f}× | {len(sample['ms'])}{errors}"


def write_report(
    path,
    *,
    note,
    trials,
    counts,
    bare,
    rows,
    load,
    exports,
    copy,
    imports,
    generate,
    minutes,
    machine,
):
    lines = [
        *_preamble(note, trials, bare, minutes, machine),
        *_pages(counts, rows, percentiles(bare)[0]),
        *_load(load),
        *_exports(exports, copy),
        *_imports(imports),
        "",
        f"`generate_synthetic` into an empty database: {generate['trials']:,} trials in "
        f"{generate['seconds']:.1f} s, {generate['trials_per_s']:,.0f} trials/s "
        "(target ≥ 5,000/s).",
        "",
        "Where the remaining time goes, with profiles: "
        "[benchmark-profiles.md](benchmark-profiles.md).",
    ]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _preamble(note, trials, bare, minutes, machine) -> list[str]:
    p50, p95, _ = percentiles(bare)
    return [
        "# Benchmarks",
        "",
        note,
        "",
        f"Written by `make benchmark` on {datetime.now(UTC):%Y-%m-%d %H:%M} UTC in "
        f"{minutes:.1f} minutes. Machine: {machine}. {trials:,} trials on PostgreSQL; "
        "gunicorn with 2 sync workers on 127.0.0.1; one keep-alive client per page.",
        "",
        TARGETS,
        "",
        f"Bare view (100 trial rows, one query): p50 {p50:.1f} ms, p95 "
        f"{p95:.1f} ms over {len(bare['ms'])} requests.",
        "",
    ]


def _pages(counts, rows, bare_p50) -> list[str]:
    lines = [
        "Times in ms. Warm: the same URL again (after 5 unmeasured requests), served "
        "from the versioned page cache where the page has one (the list, the overview, "
        "a trial page). Cold: a filter combination (or trial) not asked for before, "
        "rendered afresh. Queries: those that render the page (a stored page runs "
        "none). Each sample stops at 200 requests or its time budget, whichever comes "
        "first (n).",
        "",
        "| page | queries | warm p50 | p95 | p99 | ×bare | n | cold p50 | p95 | p99 | ×bare | n |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name, (warm, cold) in rows.items():
        lines.append(
            f"| {name} | {counts.get(name, '?')} | {_cell(warm, bare_p50)} | "
            f"{_cell(cold, bare_p50)} |"
        )
    return lines


def _load(load) -> list[str]:
    ratio = load["list"]["rps"] / load["bare"]["rps"] if load["bare"]["rps"] else math.nan
    lines = [
        "",
        f"## 20 clients × {load['seconds']:.0f} s",
        "",
        "| page | requests/s | p50 | p95 | p99 | errors |",
        "|---|---|---|---|---|---|",
    ]
    for name, sample in (("bare view", load["bare"]), ("`/trials/`", load["list"])):
        p50, p95, p99 = percentiles(sample)
        lines.append(
            f"| {name} | {sample['rps']:.1f} | {p50:,.0f} | {p95:,.0f} | {p99:,.0f} | "
            f"{sample['errors']} |"
        )
    lines += ["", f"`/trials/` serves {ratio:.0%} of the bare view's requests/s (target ≥ 50%)."]
    return lines


def _exports(exports, copy) -> list[str]:
    lines = [
        "",
        "## Exports (all published trials, in a process of their own)",
        "",
        "| format | time | rows/s | peak RSS | × `psql COPY` |",
        "|---|---|---|---|---|",
    ]
    for e in exports:
        rows_per_s = e["lines"] / e["seconds"] if e["seconds"] else math.nan
        lines.append(
            f"| {e['format'].upper()} | {e['seconds']:.1f} s | {rows_per_s:,.0f} | "
            f"{e['peak_rss_mb']:.0f} MB | {e['seconds'] / copy:.1f}× |"
        )
    lines += ["", f"`psql \\copy (select * from trials_trial) to /dev/null`: {copy:.1f} s."]
    return lines


def _imports(imports) -> list[str]:
    lines = [
        "",
        "## Import from a local stub of the registry API (pages of 1,000)",
        "",
        "| run | studies | time | studies/s | peak RSS | target |",
        "|---|---|---|---|---|---|",
    ]
    goal = {"new": "≥ 300/s", "unchanged": "≥ 3,000/s", "changed": "no target"}
    for r in imports:
        lines.append(
            f"| {r['run']} | {r['studies']:,} | {r['seconds']:.1f} s | {r['studies_per_s']:,.0f} | "
            f"{r['peak_rss_mb']:.0f} MB | {goal.get(r['run'], '')}, ≤ 300 MB |"
        )
    return lines
