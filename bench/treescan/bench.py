#!/usr/bin/env python3
"""treescan against its peers, on T1 and /usr: warm cache, cold cache, and
the FUSE test filesystem with 1 ms per lookup (an NFS stand-in).

Every scenario runs the tools interleaved (run 1 of every tool, then run 2
of every tool, ...) and reports medians, so a burst of load from elsewhere
hits all tools alike. The load average is recorded before and after each
scenario; results taken under load are flagged.

Writes a Markdown section into docs/PERFORMANCE.md (between the
<!-- treescan:begin --> and <!-- treescan:end --> markers, creating the file
or the section if needed) and a plot into docs/img/treescan.png.

Run it through bench/treescan/run.sh, which builds nothing and finds the
binaries; see --help for the knobs. Other engineers build on the same small
machine: before each scenario it waits (up to --max-wait) until the CPUs are
--min-idle percent idle, and says in the output how idle they were.
"""
import argparse
import datetime
import json
import os
import platform
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
BEGIN, END = "<!-- treescan:begin -->", "<!-- treescan:end -->"


def loadavg():
    return os.getloadavg()[0]


def idle_percent(seconds=5.0):
    """Share of CPU time the whole machine spent idle over the next seconds."""
    def snap():
        with open("/proc/stat") as f:
            v = [int(x) for x in f.readline().split()[1:]]
        return v[3] + v[4], sum(v)
    i0, t0 = snap()
    time.sleep(seconds)
    i1, t1 = snap()
    return 100.0 * (i1 - i0) / max(1, t1 - t0)


def cpu_snapshot():
    """(busy seconds of the whole machine, our children's CPU seconds, time)."""
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    hz = os.sysconf("SC_CLK_TCK")
    t = os.times()
    return (sum(v) - v[3] - v[4]) / hz, t.children_user + t.children_system, time.monotonic()


def others_share(before, after):
    """Percent of the machine's CPU time used by other processes in between."""
    busy = after[0] - before[0]
    ours = after[1] - before[1]
    span = (after[2] - before[2]) * (os.cpu_count() or 1)
    return max(0.0, 100.0 * (busy - ours) / span) if span > 0 else 0.0


def wait_quiet(min_idle, max_wait):
    """Wait (up to max_wait s) until the machine is at least min_idle % idle
    (other engineers build on it); returns the last idle figure."""
    t0 = time.monotonic()
    idle = idle_percent()
    while idle < min_idle and time.monotonic() - t0 < max_wait:
        print("   waiting for a quiet machine: %.0f%% idle" % idle, flush=True)
        time.sleep(7)
        idle = idle_percent()
    return idle


def drop_caches():
    subprocess.run(["sync"], check=True)
    with open("/proc/sys/vm/drop_caches", "w") as f:
        f.write("3\n")


def run_once(argv, cold):
    if cold:
        drop_caches()
    r0 = os.times()
    t0 = time.monotonic()
    p = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    t1 = time.monotonic()
    r1 = os.times()
    cpu = (r1.children_user - r0.children_user) + (r1.children_system - r0.children_system)
    if p.returncode != 0:
        sys.stderr.write("warning: %s exited %d: %s\n" %
                         (" ".join(argv), p.returncode, p.stderr.decode(errors="replace")[:200]))
    return t1 - t0, cpu


def scenario(name, tree, tools, runs, cold=False, slow_runs=None, idle=None):
    """Interleaved runs of every tool; returns per-tool lists of (wall, cpu)."""
    print("== %s: %s (%d runs%s)" % (name, tree, runs, ", cold cache" if cold else ""), flush=True)
    load_before = loadavg()
    snap = cpu_snapshot()
    times = {t: [] for t in tools}
    if not cold:  # warm-up: one unmeasured run of each
        for t, argv in tools.items():
            run_once(argv(tree), False)
    for i in range(runs):
        for t, argv in tools.items():
            if slow_runs and t in slow_runs and i >= slow_runs[t]:
                continue
            wall, cpu = run_once(argv(tree), cold)
            times[t].append((wall, cpu))
            print("   %-16s run %d: %.3f s (cpu %.3f)" % (t, i + 1, wall, cpu), flush=True)
    return {"name": name, "tree": tree, "runs": runs, "cold": cold, "times": times,
            "load": [load_before, loadavg()], "idle": idle,
            "others": others_share(snap, cpu_snapshot())}


def med(xs):
    return statistics.median(xs) if xs else float("nan")


def fmt(s):
    return "%.3f" % s if s < 10 else "%.1f" % s


def table(res):
    rows = ["| tool | median wall (s) | min | max | CPU (s) | runs | vs GNU find |",
            "|---|---:|---:|---:|---:|---:|---:|"]
    find = med([w for w, _ in res["times"].get("GNU find", [])])
    for tool, ts in res["times"].items():
        if not ts:
            continue
        walls = [w for w, _ in ts]
        m = med(walls)
        rows.append("| %s | %s | %s | %s | %s | %d | %.2fx |" %
                    (tool, fmt(m), fmt(min(walls)), fmt(max(walls)),
                     fmt(med([c for _, c in ts])), len(ts), m / find if find else float("nan")))
    return "\n".join(rows)


def ratio(res, a, b):
    ta = med([w for w, _ in res["times"].get(a, [])])
    tb = med([w for w, _ in res["times"].get(b, [])])
    return ta / tb if tb else float("nan")


def goals(results):
    by = {r["name"]: r for r in results}
    out = []

    def check(label, cond_desc, value, ok):
        out.append("| %s | %s | %s | %s |" % (label, cond_desc, value, "met" if ok else "**not met**"))

    for key, label in (("warm-T1", "warm cache, T1"), ("warm-usr", "warm cache, /usr")):
        r = by.get(key)
        if not r:
            continue
        v = ratio(r, "treescan -q", "GNU find")
        check(label, "treescan -q <= 0.6x GNU find", "%.2fx" % v, v <= 0.6)
        for peer in ("fdfind -u", "bfs"):
            v = ratio(r, "treescan -q", peer)
            check(label, "treescan -q faster than %s" % peer, "%.2fx" % v, v < 1)
    r = by.get("cold-T1")
    if r:
        v = ratio(r, "treescan -q", "fdfind -u")
        check("cold cache, T1", "treescan -q <= 0.8x fdfind", "%.2fx" % v, v <= 0.8)
    r = by.get("fuse-T1")
    if r:
        v = ratio(r, "GNU find", "treescan -q")
        check("1 ms lookups (FUSE), T1 subtree", "treescan -q >= 10x faster than GNU find",
              "%.1fx faster" % v, v >= 10)
        v = ratio(r, "treescan -q", "fdfind -u")
        check("1 ms lookups (FUSE), T1 subtree", "treescan -q faster than fdfind",
              "%.2fx" % v, v < 1)
    if not out:
        return ""
    return "\n".join(["| scenario | goal | measured | |", "|---|---|---|---|"] + out)


def plot(results, png):
    """Grouped bars, one group per scenario, log scale (the scenarios span
    three orders of magnitude)."""
    tools = []
    for r in results:
        for t in r["times"]:
            if t not in tools:
                tools.append(t)
    with tempfile.NamedTemporaryFile("w", suffix=".dat", delete=False) as f:
        dat = f.name
        f.write("scenario " + " ".join('"%s"' % t for t in tools) + "\n")
        for r in results:
            vals = []
            for t in tools:
                ts = r["times"].get(t, [])
                vals.append("%.4f" % med([w for w, _ in ts]) if ts else "NaN")
            f.write('"%s" %s\n' % (r["name"], " ".join(vals)))
    script = """
set terminal pngcairo size 1100,560 font ",10"
set output '%s'
set title 'treescan and peers: median wall time (lower is better, log scale)'
set style data histogram
set style histogram cluster gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set logscale y
set ylabel 'seconds'
set grid ytics
set key outside right top
set xtics nomirror
plot for [i=2:%d] '%s' using i:xtic(1) title columnhead(i)
""" % (png, len(tools) + 1, dat)
    subprocess.run(["gnuplot"], input=script.encode(), check=True)
    os.unlink(dat)


def write_doc(doc, section):
    text = open(doc).read() if os.path.exists(doc) else "# Performance\n"
    block = BEGIN + "\n" + section.rstrip() + "\n" + END
    if BEGIN in text and END in text:
        a, b = text.index(BEGIN), text.index(END) + len(END)
        text = text[:a] + block + text[b:]
    else:
        text = text.rstrip() + "\n\n## treescan\n\n" + block + "\n"
    with open(doc, "w") as f:
        f.write(text)


def mount_testfs(testfs, backing, mnt, args):
    os.makedirs(mnt, exist_ok=True)
    log = open(os.path.join(os.path.dirname(mnt), "testfs.log"), "w")
    p = subprocess.Popen([testfs, backing, mnt] + args, stdout=log, stderr=log)
    for _ in range(200):
        with open("/proc/self/mountinfo") as f:
            if (" %s " % mnt) in f.read():
                return p
        time.sleep(0.05)
    p.kill()
    raise RuntimeError("aiopp-testfs did not mount")


def unmount(p, mnt):
    subprocess.run(["umount", mnt])
    try:
        p.wait(timeout=10)
    except subprocess.TimeoutExpired:
        p.kill()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--treescan", required=True)
    ap.add_argument("--testfs", help="aiopp-testfs binary (FUSE scenario)")
    ap.add_argument("--t1", required=True)
    ap.add_argument("--t2", default="/usr")
    ap.add_argument("--runs", type=int, default=7, help="warm-cache runs per tool")
    ap.add_argument("--cold-runs", type=int, default=3)
    ap.add_argument("--fuse-runs", type=int, default=3)
    ap.add_argument("--fuse-subtree", default="d0",
                    help="part of T1 scanned on FUSE (find and Perl take minutes on all of it)")
    ap.add_argument("--scenarios", default="warm,cold,fuse")
    ap.add_argument("--min-idle", type=float, default=85,
                    help="wait until the machine is this %% idle before each scenario")
    ap.add_argument("--max-wait", type=float, default=600)
    ap.add_argument("--doc", default=os.path.join(ROOT, "docs", "PERFORMANCE.md"))
    ap.add_argument("--img", default=os.path.join(ROOT, "docs", "img", "treescan.png"))
    ap.add_argument("--json", help="also write the raw times here")
    ap.add_argument("--no-doc", action="store_true", help="print only; leave docs/ alone")
    ap.add_argument("--from-json", help="do not measure: write the docs from times saved by --json")
    a = ap.parse_args()

    ts = os.path.abspath(a.treescan)
    tools = {
        "treescan -q": lambda t: [ts, "-q", t],
        "treescan": lambda t: [ts, t],
        "GNU find": lambda t: ["find", t],
        "fdfind -u": lambda t: ["fdfind", "-u", ".", t],
        "bfs": lambda t: ["bfs", t],
        "Perl treescan": lambda t: ["/usr/bin/treescan", t],
    }
    for name, exe in (("fdfind -u", "fdfind"), ("bfs", "bfs"), ("Perl treescan", "/usr/bin/treescan")):
        if not shutil.which(exe):
            print("note: %s not installed, left out" % exe)
            tools.pop(name)
    wanted = [] if a.from_json else a.scenarios.split(",")
    results = []
    saved = {}
    if a.from_json:
        with open(a.from_json) as f:
            saved = json.load(f)
        if isinstance(saved, list):  # (older format: the results alone)
            saved = {"results": saved}
        results = saved["results"]
    if "warm" in wanted:
        for key, tree in (("warm-T1", a.t1), ("warm-usr", a.t2)):
            idle = wait_quiet(a.min_idle, a.max_wait)
            results.append(scenario(key, tree, tools, a.runs, idle=idle,
                                    slow_runs={"Perl treescan": max(1, a.runs // 3)}))
    if "cold" in wanted:
        if os.geteuid() != 0:
            print("note: cold cache needs root (drop_caches); skipped")
        else:
            idle = wait_quiet(a.min_idle, a.max_wait)
            results.append(scenario("cold-T1", a.t1, tools, a.cold_runs, cold=True, idle=idle,
                                    slow_runs={"Perl treescan": 1}))
    if "fuse" in wanted and a.testfs:
        mnt = tempfile.mkdtemp(prefix="treescan-bench.") + "/mnt"
        p = mount_testfs(a.testfs, a.t1, mnt, ["--latency-lookup=1000"])
        try:
            idle = wait_quiet(a.min_idle, a.max_wait)
            results.append(scenario("fuse-T1", os.path.join(mnt, a.fuse_subtree), tools,
                                    a.fuse_runs, idle=idle,
                                    slow_runs={"Perl treescan": 1, "GNU find": 1}))
        finally:
            unmount(p, mnt)
            shutil.rmtree(os.path.dirname(mnt), ignore_errors=True)

    cmd = saved.get("cmd") or os.environ.get("TREESCAN_BENCH_CMD") or " ".join(
        shlex.quote(x) for x in sys.argv)
    when = saved.get("when") or datetime.datetime.now().strftime("%Y-%m-%d %H:%M")
    lines = ["Measured %s on %s (%d cores, Linux %s), by `%s` (the harness: "
             "`bench/treescan/`)." % (when, platform.node(), os.cpu_count(), platform.release(), cmd),
             "",
             "How: every scenario runs the tools interleaved (one run of each, then the next "
             "round) and reports medians; wall time is what counts, CPU is user + system of the "
             "process. Warm scenarios start with one unmeasured run of each tool; note that this "
             "VM pages out page cache that has not been touched for about 30 s (DAMON `pageout`), "
             "so \"warm\" means \"read in the last few seconds\". `treescan` lists to /dev/null "
             "like the peers; `treescan -q` does not format at all. The Perl treescan is slow, so "
             "it runs a third as often on warm caches and once elsewhere.",
             ""]
    titles = {
        "warm-T1": "Warm cache, T1 (`scripts/t1.sh`: %s)" % a.t1,
        "warm-usr": "Warm cache, T2 = %s" % a.t2,
        "cold-T1": "Cold cache, T1 (`sync; echo 3 > /proc/sys/vm/drop_caches` before every run)",
        "fuse-T1": "aiopp-testfs over T1 with `--latency-lookup=1000` (1 ms per lookup/getattr), "
                   "subtree `%s` only; GNU find and the Perl treescan run once" % a.fuse_subtree,
    }
    for r in results:
        lo = r["load"]
        others = r.get("others")
        busy = others is None or others > 10
        flag = " **The machine was busy: treat with care.**" if busy else ""
        lines += ["### " + titles.get(r["name"], r["name"]), "",
                  "Conditions: other processes used %s of the CPUs during these runs; load "
                  "average (1 min) %.2f before, %.2f after.%s" %
                  ("%.0f%%" % others if others is not None else "an unknown share",
                   lo[0], lo[1], flag), "",
                  table(r), ""]
    g = goals(results)
    if g:
        lines += ["### Goals", "", g, ""]
    if results and not a.no_doc:
        os.makedirs(os.path.dirname(a.img), exist_ok=True)
        plot(results, a.img)
        rel = os.path.relpath(a.img, os.path.dirname(a.doc))
        lines += ["![treescan and peers](%s)" % rel, "",
                  "Plot: `%s` (median wall time per scenario, log scale)." % cmd, ""]
    section = "\n".join(lines)
    print(section)
    if a.json and not a.from_json:
        with open(a.json, "w") as f:
            json.dump({"cmd": cmd, "when": when, "results": results}, f, indent=1)
    if results and not a.no_doc:
        write_doc(a.doc, section)
        print("wrote %s and %s" % (a.doc, a.img))


if __name__ == "__main__":
    main()
