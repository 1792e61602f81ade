#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# run-bench.sh BUILDDIR [NAME…]
#
# Runs every benchmark registered with meson's benchmark() in BUILDDIR (or only those
# named), one after the other so they do not disturb each other, streams their output,
# and ends with one table of all their figures. A benchmark reports a figure by printing
# a line
#     figure: <what> | <value> | <unit>
# Benchmarks print figures and never pass or fail on time; the exit status is non-zero
# only when a benchmark crashed or exited non-zero.
set -euo pipefail

if [ $# -lt 1 ] || [ ! -d "$1" ]; then
  echo "usage: $0 BUILDDIR [NAME…]" >&2
  exit 2
fi
builddir=$1
shift

list=$(meson introspect "$builddir" --benchmarks)

exec python3 - "$list" "$@" <<'PYEOF'
import json, os, subprocess, sys, time

benchmarks = json.loads(sys.argv[1])
wanted = set(sys.argv[2:])
if wanted:
    unknown = wanted - {b["name"] for b in benchmarks}
    if unknown:
        sys.exit("run-bench: no benchmark named " + ", ".join(sorted(unknown)))
    benchmarks = [b for b in benchmarks if b["name"] in wanted]
if not benchmarks:
    sys.exit("run-bench: no benchmarks registered (benchmark(…, suite: 'bench'))")

rows, failed = [], []
for b in benchmarks:
    env = dict(os.environ)
    env.update(b.get("env") or {})
    print(f"=== {b['name']}: {' '.join(b['cmd'])}", flush=True)
    start = time.monotonic()
    proc = subprocess.Popen(b["cmd"], cwd=b.get("workdir") or None, env=env,
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, text=True)
    for line in proc.stdout:
        sys.stdout.write(line)
        sys.stdout.flush()
        if line.startswith("figure:"):
            parts = [p.strip() for p in line[len("figure:"):].split("|")]
            if len(parts) == 3:
                rows.append((b["name"], *parts))
    rc = proc.wait()
    print(f"=== {b['name']}: exit {rc}, {time.monotonic() - start:.1f} s\n", flush=True)
    if rc != 0:
        failed.append(b["name"])

header = ("benchmark", "figure", "value", "unit")
widths = [max(len(r[i]) for r in rows + [header]) for i in range(4)]
def fmt(r):
    return "  ".join([r[0].ljust(widths[0]), r[1].ljust(widths[1]), r[2].rjust(widths[2]), r[3]])
print(fmt(header))
print("  ".join("-" * w for w in widths))
for r in rows:
    print(fmt(r))
if failed:
    sys.exit("run-bench: failed: " + ", ".join(failed))
PYEOF
