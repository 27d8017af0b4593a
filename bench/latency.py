"""latency.py - side-by-side timings of whole commands, for bench/run.sh.

Usage: latency.py RUNS LABEL -- CMD... [--- LABEL -- CMD...]...
Runs each command RUNS times, interleaved (a round of every command, then
the next round), so machine noise hits all of them alike. Prints one line
per command: label, p50 and p95 of wall time in milliseconds and the ratio
of its p50 to the first command's (the baseline), then the minimum CPU time
(user + sys of the command and its children) and its ratio to the
baseline's: on a shared VM the wall p50 of one binary moved 30% between
runs, while a deterministic workload's least CPU time is far steadier. A
command that fails is reported.
"""
import resource
import subprocess
import sys
import time


def parse(argv):
    runs = int(argv[0])
    groups, cur = [], None
    for arg in argv[1:]:
        if arg == "---":
            cur = None
        elif cur is None:
            cur = [arg, []]
            groups.append(cur)
        elif arg == "--" and not cur[1]:
            continue
        else:
            cur[1].append(arg)
    return runs, groups


def percentile(values, p):
    values = sorted(values)
    k = min(len(values) - 1, max(0, round(p / 100 * (len(values) - 1))))
    return values[k]


def cpu_seconds():
    """User + system CPU seconds of the children waited for so far."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main():
    runs, groups = parse(sys.argv[1:])
    times = {label: [] for label, _ in groups}
    cpu = {label: [] for label, _ in groups}
    for _ in range(runs):
        for label, cmd in groups:
            cpu0 = cpu_seconds()
            t0 = time.perf_counter()
            proc = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            times[label].append((time.perf_counter() - t0) * 1000)
            cpu[label].append((cpu_seconds() - cpu0) * 1000)
            if proc.returncode != 0:
                print(f"  {label}: FAILED (exit {proc.returncode}): {proc.stderr[:300]!r}")
                return 1
    base = percentile(times[groups[0][0]], 50)
    cpu_base = min(cpu[groups[0][0]]) or 1e-9
    for label, _ in groups:
        p50, p95 = percentile(times[label], 50), percentile(times[label], 95)
        least = min(cpu[label])
        print(f"  {label:<44} p50 {p50:9.2f} ms   p95 {p95:9.2f} ms   x{p50 / base:6.2f}"
              f"   cpu min {least:9.2f} ms   x{least / cpu_base:6.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
