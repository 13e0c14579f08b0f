"""Frame cost: software-renderer time per frame for each screen (benches/ui_frames.rs, which
arrives with the screen), and the same work as callgrind instruction counts, which do not move
with the machine's load. Without that bench the rows say so rather than guess."""

import os
import re

import cargo_benches
from report import Row, spread
from screen import ROOT

DEBUG_INFO = {"SLINT_EMIT_DEBUG_INFO": "1"}
BENCH = os.path.join(ROOT, "benches", "ui_frames.rs")
MISSING = "not measured: screen not merged"


ROW = re.compile(r"^\| (.+?) \| ([\d.]+) (ms|s|MiB)\b.*\|$")


def _key(label):
    """A row's label without its parenthesised detail, which may hold figures of its own."""
    return re.sub(r"\s*\([^)]*\)", "", label).strip()


def _parse(text):
    return {(_key(m[1]), m[3]): float(m[2]) for m in map(ROW.match, text.splitlines()) if m}


def _instructions(log):
    """Instructions per full frame of the welcome screen at each size, from two callgrind runs
    (1 frame and 11 frames) so that the set-up cancels out."""
    out = {}
    for w, h in ((800, 480), (1280, 800)):
        ir = []
        for n in (1, 11):
            log(f"ui_frames child-render {w} {h} {n} under callgrind")
            ir.append(cargo_benches.callgrind("ui_frames", ["child-render", str(w), str(h),
                                                            str(n)], "/tmp"))
        if None not in ir:
            out[(w, h)] = (ir[1] - ir[0]) / 10
    return out


def measure(args, log):
    """(rows, texts) for the table and the detail sections."""
    rows = ["Frame cost (software renderer, from benches/ui_frames.rs)"]
    if not os.path.exists(BENCH):
        rows.append(Row("time per frame, each screen, 800×480 and 1280×800 (ms)", None, None,
                        "—", None, "", MISSING))
        rows.append(Row("tap → next screen rendered (ms)", None, None, "—", None, "", MISSING))
        rows.append(Row("instructions per frame (callgrind)", None, None, "—", None, "", MISSING))
        return rows, []
    runs, text = [], ""
    for i in range(args.runs):
        log(f"ui_frames: run {i + 1} of {args.runs}")
        # The bench finds the screen's elements by their ids, which a release build carries only
        # with Slint's debug info (build.rs): built once more with it, for this bench alone.
        _, text = cargo_benches.run("ui_frames", env=DEBUG_INFO)
        if text.startswith("failed"):
            log(f"ui_frames {text}")
            rows.append(Row("time per frame, tap → next screen", None, None, "—", None, "",
                            "not measured: ui_frames " + text))
            break
        runs.append(_parse(text))
    if not runs:
        runs = [{}]
    texts = [f"`cargo bench --bench ui_frames` (last of {args.runs} runs):\n\n{text}"]
    for key, unit in runs[-1]:
        fmt = "{:.1f}" if unit != "s" else "{:.2f}"
        rows.append(Row(f"{key} ({unit})", spread([r[(key, unit)] for r in runs
                                                   if (key, unit) in r], fmt),
                        None, "—", None, ""))
    for (w, h), ir in _instructions(log).items():
        rows.append(Row(f"instructions per full frame, welcome at {w}×{h} (millions)",
                        (f"{ir / 1e6:.1f}", ir / 1e6), None, "—", None,
                        "callgrind Ir: (11 frames − 1 frame) ÷ 10; does not vary with load"))
    return rows, texts
