"""Wake-ups and CPU of a process tree over a window, counted by the kernel: `perf stat -e
context-switches,task-clock` attached to every process of the tree. Counters are inherited by
threads and processes started later, and a thread that exits adds its counts to its parent's,
so nothing that ran in the window is missed. Every context switch is one wake-up of a thread:
it went to sleep (voluntary) or was put aside (involuntary) and ran again. task-clock is the
CPU time in nanoseconds, not the utime/stime ticks (10 ms) of /proc."""

import functools
import os
import shutil
import signal
import subprocess
import tempfile


@functools.lru_cache(maxsize=None)
def available():
    """Whether perf can count here (installed, and allowed to attach)."""
    if not shutil.which("perf"):
        return False
    r = subprocess.run(["perf", "stat", "-x,", "-e", "context-switches,task-clock", "true"],
                       capture_output=True, text=True, check=False)
    return r.returncode == 0 and "context-switches" in r.stderr and "<not" not in r.stderr


class Window:
    """`perf stat` on `pids` from now until `stop`."""

    def __init__(self, pids):
        self.out = tempfile.NamedTemporaryFile("r", suffix=".perf", delete=False)
        self.proc = subprocess.Popen(
            ["perf", "stat", "-x,", "-e", "context-switches,task-clock", "-o", self.out.name,
             "-p", ",".join(str(p) for p in pids)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def stop(self):
        """(context switches, task-clock in ms), or (None, None) when perf counted nothing."""
        self.proc.send_signal(signal.SIGINT)
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        switches = clock_ms = None
        with open(self.out.name) as f:
            for line in f:
                fields = line.strip().split(",")
                if len(fields) < 3 or not fields[0].replace(".", "", 1).isdigit():
                    continue
                if fields[2] == "context-switches":
                    switches = int(float(fields[0]))
                elif fields[2] == "task-clock":
                    clock_ms = float(fields[0])
        os.unlink(self.out.name)
        return switches, clock_ms
