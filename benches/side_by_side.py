"""kgraph and networkx side by side on the same synthetic corpus.

For each size N it generates the corpus (N entities, 5N relations, one
source per 200 relations; `cargo run --release --example corpus`, with
`--split-relations` from N = 1M), runs
each command under `/usr/bin/time -v` for wall time and peak memory, and
records the figures in docs/performance.json (merged with what is already
there, so sizes can be measured at different times). Then it writes the
table into docs/performance.md between the `<!-- side-by-side -->` markers
and the chart into docs/performance.svg.

usage:
  python3 benches/side_by_side.py [--sizes 10000,100000,1000000] [--runs 1]
      [--tag after] [--kg target/release/kg] [--python PYTHON] [--work DIR]
  python3 benches/side_by_side.py --report-only

PYTHON must have networkx (tests/consumers/requirements.txt); the default is
$KG_PYTHON, else python3. Every figure is the median of --runs runs.
"""

import argparse
import json
import math
import os
import pathlib
import re
import statistics
import subprocess
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parent.parent
RESULTS = ROOT / "docs" / "performance.json"
REPORT = ROOT / "docs" / "performance.md"
CHART = ROOT / "docs" / "performance.svg"
MARK_BEGIN = "<!-- side-by-side: begin (written by benches/side_by_side.py) -->"
MARK_END = "<!-- side-by-side: end -->"

# (name, what it shows, command builder). `data`, `out`: directories;
# `entity`: the ids of the corpus's first two entities.
COMMANDS = [
    ("kg validate", lambda kg, py, data, out, entity: [kg, "validate", "--data", data]),
    (
        "kg build json,graphml",
        lambda kg, py, data, out, entity: [
            kg, "build", "--data", data, "--out", out, "--formats", "json,graphml",
        ],
    ),
    (
        "networkx json,graphml",
        lambda kg, py, data, out, entity: [
            py, str(ROOT / "benches" / "networkx_baseline.py"), data, out,
        ],
    ),
    ("kg build (all formats)", lambda kg, py, data, out, entity: [kg, "build", "--data", data, "--out", out]),
    (
        "kg query neighbors",
        lambda kg, py, data, out, entity: [kg, "query", "neighbors", entity[0], "--data", data],
    ),
    ("kg stats", lambda kg, py, data, out, entity: [kg, "stats", "--data", data]),
    # A question after `kg build`: answered from the snapshot it wrote.
    (
        "kg query neighbors (after build)",
        lambda kg, py, data, out, entity: [kg, "query", "neighbors", entity[0], "--data", data],
    ),
    (
        "kg query path (after build)",
        lambda kg, py, data, out, entity: [kg, "query", "path", entity[0], entity[1], "--data", data],
    ),
    (
        "kg explain (after build)",
        lambda kg, py, data, out, entity: [kg, "explain", entity[0], entity[1], "--data", data],
    ),
    ("kg stats (after build)", lambda kg, py, data, out, entity: [kg, "stats", "--data", data]),
]

# These run in a directory where `kg build` (untimed, by the same kg) wrote
# output/ first, so that they read the snapshot as a user's second command
# does; the others run where there is no output/.
AFTER_BUILD = {
    "kg query neighbors (after build)",
    "kg query path (after build)",
    "kg explain (after build)",
    "kg stats (after build)",
}


def measure(command, timeout, cwd=None):
    """Wall seconds, peak MiB and exit status of one run."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as report:
        full = ["/usr/bin/time", "-v", "-o", report.name, "timeout", "--signal=KILL", str(timeout)]
        completed = subprocess.run(
            full + command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, cwd=cwd
        )
        text = pathlib.Path(report.name).read_text()
    wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", text).group(1)
    seconds = 0.0
    for part in wall.split(":"):
        seconds = seconds * 60 + float(part)
    peak_kib = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", text).group(1))
    status = completed.returncode
    if status not in (0, 1):
        print(f"    exit {status}: {completed.stderr.strip()[-300:]}", file=sys.stderr)
    return {"seconds": seconds, "peak_mib": peak_kib / 1024, "status": status}


def input_bytes(data):
    return sum(path.stat().st_size for path in pathlib.Path(data).rglob("*") if path.is_file())


def first_entities(data):
    """The ids of the first two entities, for the questions."""
    with open(pathlib.Path(data) / "entities.json", encoding="utf-8") as file:
        file.readline()
        return [json.loads(file.readline().rstrip().rstrip(","))["id"] for _ in range(2)]


def load_results():
    if RESULTS.exists():
        return json.loads(RESULTS.read_text())
    return {"runs": []}


def run(args):
    kg = str(pathlib.Path(args.kg).resolve())
    for size in args.sizes:
        data = pathlib.Path(args.work) / f"corpus-{size}"
        if not (data / "entities.json").exists():
            print(f"generating N = {size} in {data}", file=sys.stderr)
            generate = ["cargo", "run", "--quiet", "--release", "--example", "corpus", "--",
                        str(data), "--entities", str(size), "--seed", "1"]
            # From N = 1M one relations.json would pass the default 1 GiB
            # `data_file_bytes` limit: the relations go one file per source.
            if size >= 1_000_000:
                generate.append("--split-relations")
            subprocess.run(generate, cwd=ROOT, check=True)
        size_in = input_bytes(data)
        entities = first_entities(data)
        for name, builder in COMMANDS:
            if args.only and name not in args.only:
                continue
            if name.startswith("networkx") and args.tag != "after" and not args.with_networkx:
                continue
            with tempfile.TemporaryDirectory(dir=args.work) as out:
                command = builder(kg, args.python, str(data), out, entities)
                cwd = None
                if name in AFTER_BUILD:
                    cwd = out
                    subprocess.run(
                        [kg, "--quiet", "build", "--data", str(data), "--out", "output",
                         "--formats", "json"],
                        cwd=out, check=True, stdout=subprocess.DEVNULL,
                    )
                runs = []
                for _ in range(args.runs):
                    runs.append(measure(command, args.timeout, cwd))
            figure = {
                "n": size,
                "relations": 5 * size,
                "input_mb": size_in / 1e6,
                "command": name,
                "tag": "networkx" if name.startswith("networkx") else args.tag,
                "seconds": statistics.median(r["seconds"] for r in runs),
                "peak_mib": statistics.median(r["peak_mib"] for r in runs),
                "status": max(r["status"] for r in runs),
                "runs": len(runs),
                "note": args.note,
            }
            print(
                f"  N={size} {name} [{figure['tag']}]: {figure['seconds']:.2f} s, "
                f"{figure['peak_mib']:.0f} MiB, exit {figure['status']}",
                file=sys.stderr,
            )
            # Read again: another run may have added figures meanwhile.
            results = load_results()
            results["runs"] = [
                r for r in results["runs"]
                if not (r["n"] == size and r["command"] == name and r["tag"] == figure["tag"])
            ] + [figure]
            RESULTS.write_text(json.dumps(results, indent=1, sort_keys=True) + "\n")


def cell(figure):
    if figure is None:
        return "–"
    if figure["status"] not in (0, 1):
        return f"failed (exit {figure['status']}) after {figure['seconds']:.0f} s, {figure['peak_mib'] / 1024:.1f} GB"
    return f"{figure['seconds']:.2f} s, {figure['peak_mib'] / 1024:.2f} GB"


def table(results):
    runs = results["runs"]
    sizes = sorted({r["n"] for r in runs})
    by = {(r["n"], r["command"], r["tag"]): r for r in runs}
    lines = [
        "| N (relations, input) | command | kg before | kg now | networkx | now vs networkx (time / memory) |",
        "|---|---|---|---|---|---|",
    ]
    for size in sizes:
        size_in = next(r["input_mb"] for r in runs if r["n"] == size)
        for name, _ in COMMANDS:
            if name.startswith("networkx"):
                continue
            before = by.get((size, name, "before"))
            now = by.get((size, name, "after"))
            baseline = by.get((size, "networkx json,graphml", "networkx")) if "json,graphml" in name else None
            ratio = "–"
            if now and baseline and now["status"] == 0 and baseline["status"] == 0:
                ratio = (
                    f"{baseline['seconds'] / now['seconds']:.1f}× faster / "
                    f"{now['peak_mib'] / baseline['peak_mib']:.2f}×"
                )
            if before is None and now is None:
                continue
            lines.append(
                f"| {size:,} ({5 * size:,}, {size_in:.0f} MB) | `{name}` | {cell(before)} | {cell(now)} | "
                f"{cell(baseline) if baseline else '–'} | {ratio} |"
            )
    return "\n".join(lines)


def chart(results):
    """Two log-log panels, time and peak memory against N, as plain SVG."""
    series = [
        ("kg build json,graphml", "after", "#1f77b4", "kg build --formats json,graphml"),
        ("kg build json,graphml", "before", "#9ecae1", "same, before this work"),
        ("networkx json,graphml", "networkx", "#d62728", "networkx: load + MultiDiGraph + node-link + GraphML"),
        ("kg validate", "after", "#2ca02c", "kg validate"),
        ("kg build (all formats)", "after", "#9467bd", "kg build (all formats)"),
    ]
    runs = [r for r in results["runs"] if r["status"] == 0]
    sizes = sorted({r["n"] for r in runs}) or [10_000]
    width, height, margin = 380, 260, 60
    panels = [("seconds", "wall time (s)"), ("peak_mib", "peak memory (MiB)")]
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{2 * width + 40}" height="{height + 150}" '
        'font-family="sans-serif" font-size="12">',
        '<rect width="100%" height="100%" fill="white"/>',
    ]
    for index, (key, title) in enumerate(panels):
        x0 = 20 + index * (width + 20)
        values = [r[key] for r in runs] or [1]
        low = 10 ** math.floor(math.log10(max(min(values), 1e-3)))
        high = 10 ** math.ceil(math.log10(max(values)))
        if high <= low:
            high = low * 10
        n_low, n_high = min(sizes) / 2, max(sizes) * 2

        def px(n, value):
            x = x0 + margin + (math.log10(n) - math.log10(n_low)) / (math.log10(n_high) - math.log10(n_low)) * (width - margin - 10)
            y = 20 + (1 - (math.log10(value) - math.log10(low)) / (math.log10(high) - math.log10(low))) * (height - 60)
            return x, y

        out.append(f'<text x="{x0 + width / 2}" y="14" text-anchor="middle" font-weight="bold">{title}</text>')
        decade = low
        while decade <= high * 1.001:
            _, y = px(n_low, decade)
            out.append(f'<line x1="{x0 + margin}" y1="{y:.1f}" x2="{x0 + width - 10}" y2="{y:.1f}" stroke="#ddd"/>')
            out.append(f'<text x="{x0 + margin - 4}" y="{y + 4:.1f}" text-anchor="end">{decade:g}</text>')
            decade *= 10
        for n in sizes:
            x, _ = px(n, low)
            out.append(f'<line x1="{x:.1f}" y1="20" x2="{x:.1f}" y2="{height - 40}" stroke="#eee"/>')
            out.append(f'<text x="{x:.1f}" y="{height - 26}" text-anchor="middle">N = {n:,}</text>')
        for command, tag, colour, _ in series:
            points = sorted((r["n"], r[key]) for r in runs if r["command"] == command and r["tag"] == tag)
            if not points:
                continue
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y in (px(n, v) for n, v in points))
            out.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"/>')
            for n, v in points:
                x, y = px(n, v)
                out.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{colour}"><title>{command} ({tag}) N={n}: {v:.2f}</title></circle>')
    for index, (_, _, colour, label) in enumerate(series):
        y = height + index * 18
        out.append(f'<rect x="30" y="{y}" width="14" height="4" fill="{colour}"/>')
        out.append(f'<text x="50" y="{y + 6}">{label}</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"


def report():
    results = load_results()
    CHART.write_text(chart(results))
    text = REPORT.read_text() if REPORT.exists() else f"# Performance\n\n{MARK_BEGIN}\n{MARK_END}\n"
    begin, end = text.index(MARK_BEGIN), text.index(MARK_END)
    generated = f"{MARK_BEGIN}\n{table(results)}\n\n![Time and peak memory against N](performance.svg)\n"
    REPORT.write_text(text[:begin] + generated + text[end:])


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--tag", default="after", choices=["before", "after"])
    parser.add_argument("--kg", default=str(ROOT / "target" / "release" / "kg"))
    parser.add_argument("--python", default=os.environ.get("KG_PYTHON", "python3"))
    parser.add_argument("--work", default=os.path.join(tempfile.gettempdir(), "kg-side-by-side"))
    parser.add_argument("--timeout", type=int, default=1800, help="seconds per run before it is killed")
    parser.add_argument("--only", type=lambda s: s.split(";"), help="command names, `;`-separated")
    parser.add_argument("--with-networkx", action="store_true", help="also run networkx under --tag before")
    parser.add_argument("--note", default="")
    parser.add_argument("--report-only", action="store_true")
    args = parser.parse_args()
    args.sizes = [int(s.replace("_", "")) for s in args.sizes.split(",")]
    if not args.report_only:
        os.makedirs(args.work, exist_ok=True)
        run(args)
    report()


if __name__ == "__main__":
    main()
