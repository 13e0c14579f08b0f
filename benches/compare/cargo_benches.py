"""The crate's own benchmarks (benches/*.rs), each run several times with `--json`, and the
frame-cost instruction counts under callgrind, which do not move with the machine's load."""

import json
import os
import re
import subprocess
import tempfile

from screen import ROOT


def run(name, extra=(), env=None):
    """One run: (the JSON line's values, the printed tables); (None, why) when it fails. Output
    goes to a file, not a pipe, so a helper it leaves behind cannot hold the harness up. `env`
    adds to the environment (and so may make Cargo build the bench again)."""
    with tempfile.TemporaryFile("w+") as out:
        r = subprocess.run(["cargo", "bench", "-q", "--bench", name, "--", *extra, "--json"],
                           cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, text=True,
                           env={**os.environ, **(env or {})})
        out.seek(0)
        lines = out.read().splitlines()
    if r.returncode != 0:
        why = next((l for l in reversed(lines) if "panicked" in l or "error" in l.lower()),
                   lines[-1] if lines else "no output")
        return None, f"failed ({r.returncode}): {why.strip()[:300]}"
    values, text = None, []
    lines = [private(line) for line in lines]
    for line in lines:
        if line.startswith("{") and line.endswith("}"):
            values = json.loads(line)
        else:
            text.append(line)
    return values, "\n".join(text).strip()


def private(line):
    """The line without this machine's paths: the page must read the same wherever it is made."""
    line = line.replace(ROOT + "/", "").replace(ROOT, ".")
    return re.sub(r"/(?:tmp|work|home|var|root|run|mnt|srv)(?:/[\w.+-]+)+", "a temporary directory",
                  line)


def runs(name, n, log):
    """`n` runs of one bench: the list of their JSON values and the last run's tables."""
    values, text = [], ""
    for i in range(n):
        log(f"{name}: run {i + 1} of {n}")
        v, text = run(name)
        if v is None:
            log(f"{name}: printed no JSON line; keeping its tables only")
            return [], text
        values.append(v)
    return values, text


def bench_binary(name):
    """The newest compiled binary of a bench (target/release/deps/NAME-HASH)."""
    deps = os.path.join(ROOT, "target", "release", "deps")
    found = [os.path.join(deps, f) for f in os.listdir(deps)
             if re.fullmatch(re.escape(name) + r"-[0-9a-f]+", f)]
    return max(found, key=os.path.getmtime) if found else None


def callgrind(name, args, out_dir):
    """Instructions executed by one run of a bench binary under callgrind (Ir), or None."""
    binary = bench_binary(name)
    if not binary:
        return None
    out = os.path.join(out_dir, f"callgrind.{name}.out")
    try:
        r = subprocess.run(["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}",
                            binary, *args], cwd=ROOT, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL, timeout=300)
    except subprocess.TimeoutExpired:
        return None
    if r.returncode != 0:
        return None
    with open(out) as f:
        for line in f:
            if line.startswith("totals:") or line.startswith("summary:"):
                return int(line.split()[1])
    return None
