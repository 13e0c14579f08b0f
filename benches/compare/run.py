"""Runs every comparison and rewrites docs/benchmarks.md. Started by benches/run-all, which
installs and builds what this needs first; see docs/benchmarks.md for what each row means.

  python3 benches/compare/run.py [--runs N] [--quick] [--skip-screen] [--skip-cargo]
"""

import argparse
import datetime
import json
import os
import shutil
import statistics
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import appliance  # noqa: E402
import cargo_benches  # noqa: E402
import report  # noqa: E402
import screen  # noqa: E402
from report import Row, spread  # noqa: E402

SIZE = (1280, 800)
OUT = os.path.join(screen.ROOT, "docs", "benchmarks.md")
SHOTS = os.path.join(screen.ROOT, "docs", "benchmarks")


def log(msg):
    print(f"[{datetime.datetime.now(datetime.timezone.utc):%H:%M:%S}] {msg}", flush=True)


NAMES = ("anchor", "ours", "floor", "headless")


def screen_runs(args, firstframe, binary):
    """Alternating runs of the anchor, our screen, the bare Slint floor and (with --headless)
    our headless kiosk, every result kept. Ours forwards to a central service started here."""
    os.makedirs(SHOTS, exist_ok=True)
    floor_bin = os.path.join(screen.ROOT, "target", "compare", "slint_floor")
    central_dir = tempfile.mkdtemp(prefix="hub-kiosk-central-")
    central = appliance.Central(binary, central_dir)
    programs = [
        ("anchor", lambda tmp: screen.chromium(SIZE, os.path.join(tmp, "profile"))),
        ("ours", lambda tmp: screen.hub_kiosk(binary, central.kiosk_config(tmp), False)),
        ("floor", lambda tmp: screen.floor(floor_bin)),
    ]
    if args.headless:
        programs.append(
            ("headless", lambda tmp: screen.hub_kiosk(binary, central.kiosk_config(tmp), True)))
    results = {name: [] for name in NAMES}
    try:
        for i in range(args.runs):
            for name, make in programs:
                if name != "anchor" and results[name] and "error" in results[name][-1]:
                    continue  # it cannot start here (no screen in this build): once is enough
                shot = os.path.join(SHOTS, f"{name}-{SIZE[0]}x{SIZE[1]}.png") if i == 0 else None
                log(f"screen: {name}, run {i + 1} of {args.runs}")
                headless = name == "headless"
                r = screen.run_once(name, SIZE, make, firstframe, settle_s=args.settle,
                                    idle_s=args.idle, shot=None if headless else shot,
                                    frame_timeout_s=2 if headless else 40)
                log("  " + json.dumps(r))
                results[name].append(r)
            # More starts for the first frame alone: a start varies by tens of ms on a shared
            # machine, more than the one-in-four the goal allows, so five would not tell.
            for j in range(args.starts):
                for name, make in programs:
                    if name == "headless" or any("error" in r for r in results[name]):
                        continue
                    log(f"screen: {name}, first frame only, start {j + 1} of {args.starts}")
                    r = screen.run_once(name, SIZE, make, firstframe, frame_only=True)
                    log("  " + json.dumps(r))
                    results[name].append(r)
    finally:
        central.stop()
        shutil.rmtree(central_dir, ignore_errors=True)
    return results


def previous_screen_runs():
    """The screen runs recorded in the current docs/benchmarks.md (one JSON object a line)."""
    res = {name: [] for name in NAMES}
    when = []
    with open(OUT) as f:
        for line in f:
            if line.startswith('{"name": '):
                r = json.loads(line)
                res[r["name"]].append(r)
            elif line.startswith("- Screen runs measured"):
                when = [line.strip()[2:]]
            elif len(when) < 2 and line.startswith(("- Date:", "- Load average")):
                when.append(line.strip()[2:].split(". The machine")[0])
    return res, when


def good(results, key):
    return [r[key] for r in results if "error" not in r and r.get(key, -1) >= 0]


def per_second(results, key):
    return [r[key] / r["idle_window_s"] for r in results
            if "error" not in r and r.get(key) is not None]


def screen_rows(res, args):
    anchor, ours, floor, headless = res["anchor"], res["ours"], res["floor"], res["headless"]
    miss = "not measured"
    if ours and all("error" in r for r in ours):
        miss = "not measured: " + ours[0]["error"]
    mib = lambda v: [x / 1024 for x in v]  # noqa: E731
    ms = lambda v: [x * 1e3 for x in v]  # noqa: E731
    chromium = "Chromium --kiosk, static page"
    bare = "bare Slint window, same elements"
    poll = good(anchor + ours + floor, "poll_mean_ms")
    resolution = (f"resolution ≈ {statistics.median(poll) + 4:.0f} ms (one grab "
                  f"{statistics.median(poll):.1f} ms + 4 ms pause)") if poll else ""
    wake = ("context switches of the whole process tree (threads that exit included) over "
            f"{args.idle} s on the welcome screen, `perf stat`")
    cpu = f"`perf stat` task-clock of the tree over the same {args.idle} s"
    starts = len(good(ours, "complete_ms"))
    first = lambda who, goal, why: Row(  # noqa: E731
        "start → complete first frame (ms)", spread(good(ours, "complete_ms"), "{:.0f}"),
        spread(good(who, "complete_ms"), "{:.0f}"), why, goal,
        f"the frame the screen settles on; median of {starts} starts each", miss)
    return [
        f"Screen at {SIZE[0]}×{SIZE[1]} under Xvfb (software rendering, all three)",
        Row("start → first change on screen (ms)", spread(good(ours, "first_ms"), "{:.0f}"),
            spread(good(floor, "first_ms"), "{:.0f}"), bare, None, resolution, miss),
        first(floor, 1.25, bare),
        first(anchor, 1.0, chromium),
        Row(f"memory: RSS after {args.settle} s (MiB)", spread(mib(good(ours, "rss_kib"))),
            spread(mib(good(floor, "rss_kib"))), bare, 1.5, "VmRSS of the process", miss),
        Row(f"memory: PSS of the process tree after {args.settle} s (MiB)",
            spread(mib(good(ours, "pss_kib"))), spread(mib(good(anchor, "pss_kib"))),
            chromium, 1.0, "", miss),
        Row("processes in the tree", spread(good(ours, "processes"), "{:.0f}"),
            spread(good(anchor, "processes"), "{:.0f}"), chromium, None, "", miss),
        Row("idle wake-ups (context switches per s)", spread(per_second(ours, "switches"), "{:.2f}"),
            spread(per_second(floor, "switches"), "{:.2f}"), bare, 1.1, wake, miss),
        Row("idle wake-ups (context switches per s)", spread(per_second(ours, "switches"), "{:.2f}"),
            spread(per_second(anchor, "switches"), "{:.2f}"), chromium, None, wake, miss),
        Row(f"idle CPU over {args.idle} s (task-clock ms)",
            spread(good(ours, "task_clock_ms"), "{:.1f}"),
            spread(good(anchor, "task_clock_ms"), "{:.1f}"), chromium, 0.1, cpu, miss),
        Row(f"idle CPU over {args.idle} s (task-clock ms)",
            spread(good(ours, "task_clock_ms"), "{:.1f}"),
            spread(good(floor, "task_clock_ms"), "{:.1f}"), bare, None, cpu, miss),
        Row(f"X server CPU over the same {args.idle} s (ms)",
            spread(ms(good(ours, "idle_xserver_cpu_s")), "{:.0f}"),
            spread(ms(good(anchor, "idle_xserver_cpu_s")), "{:.0f}"), chromium, None,
            "drawing done for the program (utime + stime ticks)", miss),
    ] + ([] if not headless else [
        Row(f"`run --headless` (no screen): PSS after {args.settle} s (MiB)",
            spread(mib(good(headless, "pss_kib"))), None, "—", None,
            "staff pages, housekeeping, forwarding: the part under any screen"),
        Row("`run --headless`: idle wake-ups (context switches per s)",
            spread(per_second(headless, "switches"), "{:.2f}"), None, "—", None, wake),
    ])


def memory_section(res, settle):
    """Where the resident memory of hub-kiosk and the floor is (/proc/PID/smaps), median of
    the runs, so the RSS row's gap is explained by the same run."""
    def median_parts(runs):
        parts = [r["rss_parts_kib"] for r in runs if r.get("rss_parts_kib")]
        if not parts:
            return None
        return {k: statistics.median(p.get(k, 0) for p in parts) / 1024 for k in parts[0]}
    ours, floor = median_parts(res.get("ours", [])), median_parts(res.get("floor", []))
    if not ours or not floor:
        return None
    lines = ["| resident (MiB) | hub-kiosk | bare floor | difference |", "|---|---:|---:|---:|"]
    for k in ours:
        lines.append(f"| {k} | {ours[k]:.1f} | {floor.get(k, 0):.1f} | {ours[k] - floor.get(k, 0):+.1f} |")
    total_o, total_f = sum(ours.values()), sum(floor.values())
    lines.append(f"| all | {total_o:.1f} | {total_f:.1f} | {total_o - total_f:+.1f} |")
    return (f"Where the resident memory is, {settle} s after the start (median of the runs)",
            "From `/proc/PID/smaps`. The program's code is the part of its file that is "
            "mapped in: both programs link the same Slint; hub-kiosk adds the web services, "
            "TLS, SQLite, the HTTP client and the rest of the hub. Both come from the release "
            "profile in Cargo.toml: one codegen unit with fat LTO; the hub-kiosk package's own "
            "code (the floor's too) and the crates only hub-kiosk uses built for size, the Slint "
            "crates both share at full speed. The read-only data includes the pointer tables "
            "the loader writes at start, among them chrono-tz's time zone database (about "
            "1 MiB).\n\n" + "\n".join(lines))


def col(values, key, scale=1.0, fmt="{:.3f}"):
    return spread([v[key] * scale for v in values if key in v], fmt)


def cargo_rows(data):
    rows = []
    c = data.get("checkin_commit", [])
    rows.append("Check-in durability floor (WAL, synchronous=FULL, same disk)")
    for p in ("p50", "p99"):
        rows.append(Row(f"check-in commit {p} (ms)", col(c, f"ours_{p}_ms"),
                        col(c, f"bare_{p}_ms"), "bare SQLite single-row insert txn", 3.0,
                        "one transaction: row, needs, ticket, footfall, outbox"))
    s = data.get("sync_backlog", [])
    rows.append("Sync (loopback)")
    for b in (50, 200, 500):
        rows.append(Row(f"30-day backlog (720 hours) delivered, batch {b} (s)",
                        col(s, f"backlog_s_batch_{b}"), None, "—", None,
                        "until the outbox is empty"))
    rows.append(Row("central ingest, 200 buckets via `PUT /api/v1/footfall` (ms)",
                    col(s, "ingest_http_median_ms", fmt="{:.2f}"),
                    col(s, "ingest_raw_median_ms", fmt="{:.2f}"),
                    "raw SQLite upsert of the same rows", 1.5,
                    "HTTP + JSON + checks + store; the body encoded before the clock starts"))
    rows.append(Row("central store upsert alone, 200 buckets (ms)",
                    col(s, "ingest_store_median_ms", fmt="{:.2f}"),
                    col(s, "ingest_raw_median_ms", fmt="{:.2f}"),
                    "raw SQLite upsert of the same rows", 1.5,
                    "with the database id and contact row"))
    rows.append(Row("narrower raw SQLite upsert, 200 buckets (ms)",
                    col(s, "ingest_narrow_median_ms", fmt="{:.2f}"),
                    col(s, "ingest_raw_median_ms", fmt="{:.2f}"),
                    "raw SQLite upsert of the same rows", None,
                    "5 values bound, 4 columns updated: the baseline before this one"))
    for key, what in (("refused_token", "refused at the token (HTTP round trip with the body)"),
                      ("refused_read", "refused once read (HTTP round trip + JSON)")):
        rows.append(Row(f"`PUT`, 200 buckets, {what} (ms)",
                        col(s, f"ingest_{key}_median_ms", fmt="{:.2f}"),
                        col(s, "ingest_raw_median_ms", fmt="{:.2f}"),
                        "raw SQLite upsert of the same rows", None,
                        "the HTTP path's own cost, no disk"))
    e = data.get("staff_sse_latency", [])
    rows.append("Staff pages")
    rows.append(Row("check-in → event at 10 SSE clients, p95 (ms)", col(e, "event_p95_ms"),
                    col(e, "commit_p95_ms"), "the check-in's own commit, p95", 1.5,
                    "the event cannot arrive before the commit"))
    m = data.get("sign_in_memory", [])
    rows.append(Row("growth of RSS during 500 wrong sign-ins at once (MiB)",
                    col(m, "growth_mib", fmt="{:.1f}"), None, "—", None,
                    "must stay under 64: peak (VmHWM) " + (col(m, "vmhwm_mib", fmt="{:.1f}") or ("?",))[0]
                    + " beside RSS before " + (col(m, "rss_before_mib", fmt="{:.1f}") or ("?",))[0]
                    + "; 2 passcode checks at once"))
    return rows


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--starts", type=int, default=4,
                    help="starts for the first frame alone, after each round of runs")
    ap.add_argument("--quick", action="store_true", help="1 run, 10 s windows: tries the harness")
    ap.add_argument("--skip-screen", action="store_true")
    ap.add_argument("--skip-cargo", action="store_true")
    ap.add_argument("--reuse-screens", action="store_true",
                    help="take the screen runs from the current docs/benchmarks.md")
    ap.add_argument("--headless", action="store_true",
                    help="also measure `run --headless` (memory and idle CPU without a screen)")
    ap.add_argument("--firstframe", default=os.path.join(screen.ROOT, "target", "compare",
                                                         "firstframe"))
    ap.add_argument("--command", default="benches/run-all")
    args = ap.parse_args()
    args.settle, args.idle = 30, 120
    if args.quick:
        args.runs, args.settle, args.idle, args.starts = 1, 10, 10, 1
    started = datetime.datetime.now(datetime.timezone.utc)
    load0 = os.getloadavg()[0]
    binary = os.path.join(screen.ROOT, "target", "compare", "hub-kiosk")

    rows, sections, notes = [], [], []

    def write():
        finished = datetime.datetime.now(datetime.timezone.utc)
        report.write(OUT, command=args.command, started=f"{started:%Y-%m-%d %H:%M}",
                     finished=f"{finished:%H:%M}",
                     load=(f"{load0:.2f}", f"{os.getloadavg()[0]:.2f}"), rows=rows,
                     sections=sections + [("How it is measured", HOW)], runs=args.runs,
                     notes=notes)
        log(f"wrote {OUT}")

    if args.reuse_screens:
        res, when = previous_screen_runs()
        notes.append("- Screen runs measured in an earlier run: " + "; ".join(
            w.replace("Screen runs measured in an earlier run: ", "") for w in when))
        rows += screen_rows(res, args)
        sections.append(("Screen runs, one line each (kept from the previous run: "
                         "`--reuse-screens`)", "```\n" + "\n".join(
                             json.dumps(r) for k in res for r in res[k]) + "\n```"))
    elif not args.skip_screen:
        res = screen_runs(args, args.firstframe, binary)
        rows += screen_rows(res, args)
        memory = memory_section(res, args.settle)
        if memory:
            sections.append(memory)
        sections.append(("Screen runs, one line each", "```\n" + "\n".join(
            json.dumps(r) for k in res for r in res[k]) + "\n```"))
        write()  # the screens take longest: keep them even if what follows fails
    if not args.skip_cargo:
        import frames

        data, tables = {}, []
        for name, n in (("checkin_commit", args.runs), ("sync_backlog", args.runs),
                        ("staff_sse_latency", args.runs), ("sign_in_memory", 1)):
            data[name], text = cargo_benches.runs(name, n, log)
            tables.append(f"`cargo bench --bench {name} -- --json` (last of {n} runs):\n\n{text}")
        frame_rows, frame_text = frames.measure(args, log)
        rows += frame_rows + cargo_rows(data)
        sections.append(("The benches' own tables", "\n\n".join(tables + frame_text)))
    write()


HOW = open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "how.md")).read()

if __name__ == "__main__":
    time.tzset()
    main()
