#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Prints one closing line "N passed, N failed, N skipped" over the meson test logs of
the given build directories, so a CI reader sees the count of every test that ran."""
import json
import sys
from pathlib import Path

passed = failed = skipped = 0
for build in sys.argv[1:]:
    logs = Path(build) / "meson-logs"
    for log in sorted([*logs.glob("testlog.json"), *logs.glob("asan-*.json")]):
        for line in log.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            result = json.loads(line).get("result")
            if result in ("OK", "EXPECTEDFAIL"):
                passed += 1
            elif result == "SKIP":
                skipped += 1
            else:
                failed += 1
print(f"{passed} passed, {failed} failed, {skipped} skipped")
sys.exit(1 if failed else 0)
