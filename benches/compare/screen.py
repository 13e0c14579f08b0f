"""One run of a kiosk program on a fresh Xvfb screen, measured from the outside.

start → first painted frame (firstframe.c grabs the root window), then, 30 s after the start,
RSS and PSS summed over the program's process tree, then over the next 120 s, while nobody
touches the screen, the tree's context switches and task-clock (`perfstat`) and the CPU time
the tree and the X server use.
"""

import json
import os
import shutil
import signal
import subprocess
import tempfile
import time

import perfstat
import proctree

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ANCHOR = os.path.join(ROOT, "benches", "compare", "anchor", "welcome.html")

# Debian's Chromium as a kiosk would run it, kept offline: no network (a proxy that refuses,
# no name resolution), no updates, no first-run, no sync, a temporary profile of its own.
# --no-sandbox only because the harness runs as root, where Chromium refuses its sandbox.
CHROMIUM_FLAGS = [
    "--kiosk", "--no-first-run", "--no-default-browser-check", "--noerrdialogs",
    "--disable-infobars", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--disable-default-apps", "--disable-breakpad", "--disable-translate",
    "--disable-features=Translate,MediaRouter,OptimizationHints", "--password-store=basic",
    "--proxy-server=127.0.0.1:9", "--host-resolver-rules=MAP * ~NOTFOUND",
    "--window-position=0,0", "--no-sandbox",
]


def chromium(size, profile):
    w, h = size
    return [shutil.which("chromium") or "chromium", *CHROMIUM_FLAGS, f"--window-size={w},{h}",
            f"--user-data-dir={profile}", "file://" + ANCHOR], {}


def hub_kiosk(binary, config, headless):
    cmd = [binary, "run", "--config", config, "--listen", "127.0.0.1:0"] + (
        ["--headless"] if headless else [])
    return cmd, {"RUST_LOG": "warn", "SLINT_BACKEND": "winit"}


def floor(binary):
    """The bare Slint floor (benches/floor/slint_floor.rs)."""
    return [binary], {"SLINT_BACKEND": "winit"}


class Xvfb:
    """A fresh X server, so every run starts from the same blank screen."""

    def __init__(self, display, size):
        self.display = f":{display}"
        w, h = size
        self.proc = subprocess.Popen(
            # -noreset: without it the server resets as the readiness probe disconnects, and a
            # client connecting during the reset is refused.
            ["Xvfb", self.display, "-screen", "0", f"{w}x{h}x24", "-br", "-noreset",
             "-nolisten", "tcp"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(100):
            if subprocess.run(["xdpyinfo", "-display", self.display],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode == 0:
                return
            time.sleep(0.05)
        raise RuntimeError(f"Xvfb {self.display} did not start")

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=10)


def _wait_for_quiet_minute():
    """Start early in a minute: a clock that ticks while settling would look like a late frame."""
    while not 1 <= time.localtime().tm_sec <= 35:
        time.sleep(0.2)


def _end(pid, firstframe):
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(pid, sig)
        except ProcessLookupError:
            break
        try:
            firstframe.wait(timeout=10)
            break
        except subprocess.TimeoutExpired:
            continue
    for pid_left in proctree.members(pid):
        try:
            os.kill(pid_left, signal.SIGKILL)
        except ProcessLookupError:
            pass


def _last_line(log, tmp):
    """The last line the program (or firstframe) wrote on stderr."""
    log.close()
    with open(os.path.join(tmp, "program.log")) as f:
        lines = f.read().strip().splitlines()
    return lines[-1][:300] if lines else "without a message"


def run_once(name, size, make_cmd, firstframe_bin, settle_s=30, idle_s=120, shot=None, display=77,
             frame_timeout_s=40, frame_only=False):
    """Measure one start of one program. `make_cmd(tmpdir)` gives (argv, extra env); a program
    that shows nothing (headless) gets a short `frame_timeout_s` so the grabs stop early. With
    `frame_only` the program is stopped once its first frame is timed (no memory, no idle)."""
    tmp = tempfile.mkdtemp(prefix="hub-kiosk-compare-")
    x = Xvfb(display, size)
    try:
        argv, env = make_cmd(tmp)
        env = {**os.environ, **env, "DISPLAY": x.display}
        log = open(os.path.join(tmp, "program.log"), "w")
        _wait_for_quiet_minute()
        start = time.monotonic()
        ff = subprocess.Popen([firstframe_bin, "--settle", "3", "--timeout", str(frame_timeout_s),
                               "--", *argv],
                              stdout=subprocess.PIPE, stderr=log, env=env, text=True)
        line = ff.stdout.readline()
        result = {"name": name, "size": f"{size[0]}x{size[1]}"}
        try:
            result.update(json.loads(line))
        except ValueError:
            ff.wait(timeout=10)
            result["error"] = "firstframe printed nothing: " + _last_line(log, tmp)
            return result
        pid = result["pid"]
        if result.get("exited"):
            ff.wait(timeout=10)
            result["error"] = "exited: " + _last_line(log, tmp)
            return result
        if frame_only:
            result["frame_only"] = True
            _end(pid, ff)
            return result
        if shot:
            subprocess.run(f"xwd -root -silent -display {x.display} | convert xwd:- {shot}",
                           shell=True, check=False)
        time.sleep(max(0.0, start + settle_s - time.monotonic()))
        result["rss_kib"] = proctree.rss_kib(pid)
        result["rss_parts_kib"] = proctree.rss_parts_kib(pid)
        result["pss_kib"], result["processes"] = proctree.pss_kib(pid)
        perf = perfstat.Window(proctree.members(pid)) if perfstat.available() else None
        cpu0, xcpu0, t0 = proctree.cpu_seconds(pid), proctree.cpu_of(x.proc.pid), time.monotonic()
        time.sleep(idle_s)
        cpu1, xcpu1, t1 = proctree.cpu_seconds(pid), proctree.cpu_of(x.proc.pid), time.monotonic()
        if perf:
            result["switches"], result["task_clock_ms"] = perf.stop()
        result["idle_cpu_s"] = cpu1 - cpu0
        result["idle_xserver_cpu_s"] = xcpu1 - xcpu0
        result["idle_window_s"] = t1 - t0
        _end(pid, ff)
        return result
    finally:
        if "ff" in locals() and ff.poll() is None:
            _end(json.loads(line)["pid"] if line.startswith("{") else ff.pid, ff)
        x.stop()
        shutil.rmtree(tmp, ignore_errors=True)
