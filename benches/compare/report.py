"""docs/benchmarks.md: one table of ours beside the anchor, with the ratio, then the detail.

Every timing cell is the median of the runs with (min–max) after it. A row whose figure is worse
than ours should be says so in its last column; the anchors are never tuned down.
"""

import os
import platform
import statistics
import subprocess


def spread(values, fmt="{:.1f}"):
    """'median (min–max)' of a list of numbers, or None when there are none."""
    values = [v for v in values if v is not None]
    if not values:
        return None
    med = statistics.median(values)
    if len(values) == 1:
        return fmt.format(med), med
    return f"{fmt.format(med)} ({fmt.format(min(values))}–{fmt.format(max(values))})", med


class Row:
    """One line of the table. `worse_if` is the ratio ours/anchor above which ours is worse
    than it should be (lower is better for every figure here). A ratio equal to it meets the
    goal: 264 switches against 240 is 1.1× even where 2.2 / 2.0 comes out a hair above 1.1 in
    floating point."""

    def __init__(self, measure, ours, anchor, anchor_name, worse_if=None, why="",
                 missing="not measured"):
        self.measure, self.anchor_name, self.worse_if, self.why = measure, anchor_name, worse_if, why
        self.ours, self.anchor, self.missing = ours, anchor, missing

    def cells(self):
        ours = self.ours[0] if self.ours else self.missing
        anchor = self.anchor[0] if self.anchor else "—"
        ratio, note, worse = "—", self.why, False
        if self.ours and self.anchor and self.anchor[1]:
            r = self.ours[1] / self.anchor[1]
            ratio = f"{r:.2f}×"
            worse = self.worse_if is not None and r > self.worse_if * (1 + 1e-9)
            if worse and ratio == f"{self.worse_if:.2f}×":
                ratio = f"{r:.3f}×"  # over the goal, though two places would not show it
        if self.worse_if is not None:
            goal = f"goal ≤ {self.worse_if:g}×"
            lead = f"**worse than it should be** ({goal})" if worse else goal
            note = f"{lead}. {note}" if note else lead
        return [self.measure, ours, anchor, self.anchor_name, ratio, note]


def table(rows):
    out = ["| measure | hub-kiosk | anchor | anchor is | ratio ours/anchor | note |",
           "|---|---:|---:|---|---:|---|"]
    for r in rows:
        if isinstance(r, str):
            out.append(f"| **{r}** | | | | | |")
        else:
            out.append("| " + " | ".join(c.replace("|", "\\|") for c in r.cells()) + " |")
    return "\n".join(out)


def _cmd(args):
    """The first line a command prints (on either stream), or '?'."""
    try:
        r = subprocess.run(args, capture_output=True, text=True, check=False)
    except OSError:
        return "?"
    lines = (r.stdout.strip() or r.stderr.strip()).splitlines()
    return lines[0] if lines else "?"


def machine():
    cpu = "?"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo") as f:
        mem = int(f.readline().split()[1]) / 1024 / 1024
    debian = "?"
    if os.path.exists("/etc/debian_version"):
        with open("/etc/debian_version") as f:
            debian = f.read().strip()
    return [
        f"- CPU: {cpu}, {os.cpu_count()} cores; memory {mem:.0f} GiB",
        f"- Kernel: Linux {platform.release()} ({platform.machine()}); Debian {debian}",
        f"- {_cmd(['rustc', '--version'])}; {_cmd(['chromium', '--version'])}; "
        f"Xvfb {_cmd(['dpkg-query', '-W', '-f', '${Version}', 'xvfb'])}",
    ]


def write(path, *, command, started, finished, load, rows, sections, runs, notes=()):
    lines = [
        "# Benchmarks: hub-kiosk beside what a site would run instead",
        "",
        "Written by the command below; do not edit by hand. Every timing is the median of the",
        f"runs ({runs} unless a row says otherwise) with (min–max) after it. Lower is better in",
        "every row; the ratio is ours divided by the anchor's.",
        "",
        f"- Command: `{command}`",
        f"- Date: {started} to {finished} (UTC)",
        *machine(),
        f"- Load average (1 min) at the start and the end: {load[0]} and {load[1]}. The machine is",
        "  shared with other work, which falls on both sides alike: runs alternate between them.",
        *notes,
        "",
        table(rows),
        "",
    ]
    for title, body in sections:
        lines += [f"## {title}", "", body.strip(), ""]
    with open(path, "w") as f:
        f.write("\n".join(lines))
