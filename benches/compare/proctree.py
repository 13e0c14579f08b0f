"""Memory and CPU of a whole process tree, read from /proc, the same way for every program.

A tree is the root process, every descendant of it, and every process in its session (a
browser's helpers that were re-parented still belong to it). PSS (proportional set size)
counts shared pages once across the tree, so a multi-process browser is not counted twice
for the libraries its processes share.
"""

import os

TICK = os.sysconf("SC_CLK_TCK")


def _stat(pid):
    """(ppid, session, cpu seconds including reaped children) of one process, or None."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            text = f.read()
    except OSError:
        return None
    # The command name is in parentheses and may hold spaces: split after the last ')'.
    fields = text[text.rindex(")") + 2 :].split()
    ppid, session = int(fields[1]), int(fields[3])
    utime, stime, cutime, cstime = (int(x) for x in fields[11:15])
    return ppid, session, (utime + stime + cutime + cstime) / TICK


def _all():
    out = {}
    for name in os.listdir("/proc"):
        if name.isdigit():
            s = _stat(int(name))
            if s:
                out[int(name)] = s
    return out


def members(root):
    """The pids of the tree rooted at `root` (root included, if alive)."""
    procs = _all()
    children = {}
    for pid, (ppid, _, _) in procs.items():
        children.setdefault(ppid, []).append(pid)
    found, todo = set(), [root]
    while todo:
        pid = todo.pop()
        if pid in found or pid not in procs:
            continue
        found.add(pid)
        todo.extend(children.get(pid, []))
    found |= {pid for pid, (_, sid, _) in procs.items() if sid == root}
    return sorted(found)


def pss_kib(root):
    """PSS summed over the tree, in KiB, and the number of processes."""
    pids = members(root)
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/smaps_rollup") as f:
                for line in f:
                    if line.startswith("Pss:"):
                        total += int(line.split()[1])
                        break
        except OSError:
            pass
    return total, len(pids)


def rss_kib(root):
    """Resident memory (VmRSS) summed over the tree, in KiB: what `ps` and `top` show."""
    total = 0
    for pid in members(root):
        try:
            with open(f"/proc/{pid}/status") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
                        break
        except OSError:
            pass
    return total


def rss_parts_kib(pid):
    """The process's resident memory by kind, in KiB, from /proc/PID/smaps: its own program
    file's code (r-x), read-only data (r--, including data the loader relocated) and writable
    data; the heap and other anonymous memory (thread stacks among it); shared libraries; and
    everything else (fonts and caches mapped from files, the window's shared buffer)."""
    parts = {"program code": 0, "program read-only data": 0, "program data": 0,
             "heap and anonymous": 0, "shared libraries": 0, "other files": 0}
    try:
        exe = os.readlink(f"/proc/{pid}/exe")
        with open(f"/proc/{pid}/smaps") as f:
            kind = None
            for line in f:
                fields = line.split()
                if fields and not fields[0].endswith(":") and "-" in fields[0]:
                    perms, path = fields[1], (fields[5] if len(fields) > 5 else "")
                    if path == exe:
                        kind = {"r-x": "program code", "r--": "program read-only data"}.get(
                            perms[:3], "program data")
                    elif path in ("", "[heap]", "[stack]") or path.startswith("[anon"):
                        kind = "heap and anonymous"
                    elif ".so" in os.path.basename(path):
                        kind = "shared libraries"
                    else:
                        kind = "other files"
                elif fields and fields[0] == "Rss:" and kind:
                    parts[kind] += int(fields[1])
    except OSError:
        return {}
    return parts


def cpu_seconds(root):
    """utime + stime (with reaped children) summed over the tree."""
    procs = _all()
    return sum(procs[pid][2] for pid in members(root) if pid in procs)


def cpu_of(pid):
    """CPU seconds of one process (e.g. the X server)."""
    s = _stat(pid)
    return s[2] if s else 0.0
