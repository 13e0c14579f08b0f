"""Frame cost: software-renderer time per frame for each screen (benches/ui_frames.rs, which
arrives with the screen), and the same work as callgrind instruction counts, which do not move
with the machine's load. Without that bench the rows say so rather than guess."""

import os
import statistics

import cargo_benches
from report import Row, spread
from screen import ROOT

BENCH = os.path.join(ROOT, "benches", "ui_frames.rs")
MISSING = "not measured: screen not merged"


def _label(key):
    return key.replace("_", " ")


def measure(args, log):
    """(rows, texts) for the table and the detail sections."""
    rows = ["Frame cost (software renderer)"]
    if not os.path.exists(BENCH):
        rows.append(Row("time per frame, each screen, 800×480 and 1280×800 (ms)", None, None,
                        "—", None, "", MISSING))
        rows.append(Row("tap → next screen rendered (ms)", None, None, "—", None, "", MISSING))
        rows.append(Row("instructions per frame (callgrind)", None, None, "—", None, "", MISSING))
        return rows, []
    values, text = cargo_benches.runs("ui_frames", args.runs, log)
    texts = [f"`cargo bench --bench ui_frames -- --json` (last of {args.runs} runs):\n\n{text}"]
    keys = sorted({k for v in values for k, x in v.items()
                   if isinstance(x, (int, float)) and k.endswith("_ms")})
    for key in keys:
        rows.append(Row(_label(key[:-3]) + " (ms)", spread([v[key] for v in values if key in v],
                                                           "{:.3f}"), None, "—", None, ""))
    if not keys:
        rows.append(Row("time per frame and tap → next screen", None, None, "—", None,
                        "see the bench's own table below", "in the table below"))
    with open(BENCH) as f:
        knows_callgrind = "--callgrind" in f.read()
    if knows_callgrind:
        counts = {}
        for i in range(args.runs if args.runs < 3 else 3):
            log(f"ui_frames under callgrind, run {i + 1}")
            ir = cargo_benches.callgrind("ui_frames", ["--bench", "--callgrind"], "/tmp")
            if ir:
                counts.setdefault("ir", []).append(ir)
        if counts:
            med = statistics.median(counts["ir"])
            rows.append(Row("instructions, one `--callgrind` pass of ui_frames (millions)",
                            spread([c / 1e6 for c in counts["ir"]], "{:.1f}"), None, "—", None,
                            "callgrind Ir: what the pass renders is in the bench's doc"))
            texts.append(f"callgrind: {med:.0f} instructions in the `--callgrind` pass.")
    else:
        rows.append(Row("instructions per frame (callgrind)", None, None, "—", None, "",
                        "not measured: ui_frames has no `--callgrind` pass yet"))
    return rows, texts
