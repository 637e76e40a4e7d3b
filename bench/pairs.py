#!/usr/bin/env python3
"""euprio-goals against euprio-cat, run in interleaved pairs.

This machine's speed drifts by up to 20 % within minutes, so a median of
runs made one after the other says little about a ratio of two programs.
Here each round runs euprio-cat and then each euprio-goals binary on the
same file, and the ratio is taken per round; the median of those is the
figure issue #6's target (50 % of euprio-cat's throughput on the 250 MB
generated stream) is judged by.  Not a test: figures vary by machine.

  bench/pairs.py [--rounds N] [--size MB] [GOALS_BINARY...]

Uses build-release (bench/run builds it) and bench/data/stream-<MB>.csv,
made with gen.py when absent.  Extra binaries (an older build, say) are
run in the same rounds, for a fair comparison.
"""
import argparse
import os
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(HERE)
BUILD = os.path.join(TOP, "build-release")


def timed(cmd, path):
    t0 = time.monotonic()
    r = subprocess.run(cmd + [path], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    # 1: some records rejected, which the stream may hold; 2 is a usage or
    # configuration error, and a run that did nothing measures nothing.
    if r.returncode not in (0, 1):
        sys.exit(f"{' '.join(cmd)} failed with status {r.returncode}")
    return time.monotonic() - t0


def measure(path, goals, rounds):
    """Lines of the report: euprio-cat and each goals binary on path."""
    cat = [os.path.join(BUILD, "euprio-cat")]
    for b in cat + goals:
        if not os.access(b, os.X_OK):
            sys.exit(f"{b}: not built (run bench/run, or cmake --build build-release)")
    tc, tg, ratio = [], [[] for _ in goals], [[] for _ in goals]
    for _ in range(rounds):
        c = timed(cat, path)
        tc.append(c)
        for i, g in enumerate(goals):
            t = timed([g], path)
            tg[i].append(t)
            ratio[i].append(c / t)
    mb = os.path.getsize(path) / 1e6
    lines = [f"{mb:.0f} MB, {rounds} rounds; euprio-cat median {statistics.median(tc):.3f} s"]
    for g, t, r in zip(goals, tg, ratio):
        q = statistics.quantiles(r, n=4) if len(r) > 1 else [r[0]] * 3
        lines.append(f"{os.path.relpath(g, TOP)}: median {statistics.median(t):.3f} s "
                     f"({mb / statistics.median(t):.0f} MB/s); per-round ratio to euprio-cat: "
                     f"median {statistics.median(r) * 100:.1f} %, quartiles {q[0] * 100:.1f}-{q[2] * 100:.1f} %, "
                     f"range {min(r) * 100:.1f}-{max(r) * 100:.1f} %")
    return lines


def stream(size):
    path = os.path.join(HERE, "data", f"stream-{size}.csv")
    if not os.path.exists(path):
        os.makedirs(os.path.dirname(path), exist_ok=True)
        subprocess.run([sys.executable, os.path.join(HERE, "gen.py"), "stream", str(size), path + ".tmp"],
                       check=True)
        os.rename(path + ".tmp", path)
    return path


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rounds", type=int, default=15)
    ap.add_argument("--size", type=int, default=250, help="MB of generated stream")
    ap.add_argument("goals", nargs="*", help="euprio-goals binaries (default: build-release's)")
    a = ap.parse_args()
    os.environ.setdefault("EUPRIO_CONFIG", os.path.join(TOP, "config"))
    goals = [os.path.abspath(g) for g in a.goals] or [os.path.join(BUILD, "euprio-goals")]
    for line in measure(stream(a.size), goals, a.rounds):
        print(line)


if __name__ == "__main__":
    main()
