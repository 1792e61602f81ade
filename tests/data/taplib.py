# SPDX-License-Identifier: GPL-3.0-or-later
"""A tiny TAP producer for the data-suite checks (meson test protocol 'tap').

Each check is a function that returns a list of problems; an empty list passes. Problems
are printed as TAP diagnostics, one per line, so a failure names every offending item.
"""
import subprocess
import sys
import traceback

_checks = []


def check(func):
    _checks.append(func)
    return func


def run(cmd, **kwargs):
    """Runs cmd, returns (returncode, stdout, stderr) as text; never raises on failure."""
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, **kwargs)
    except FileNotFoundError as e:
        return 127, '', str(e)
    return p.returncode, p.stdout, p.stderr


def main():
    print('TAP version 13')
    print(f'1..{len(_checks)}')
    failed = 0
    for i, func in enumerate(_checks, 1):
        name = func.__name__.replace('_', ' ')
        try:
            problems = func() or []
        except Exception:  # a crash in a check is a failure, with its traceback
            problems = traceback.format_exc().splitlines()
        if isinstance(problems, str):  # a skip reason
            print(f'ok {i} - {name} # SKIP {problems}')
            continue
        if problems:
            failed += 1
            print(f'not ok {i} - {name}')
            for p in problems:
                for line in str(p).splitlines():
                    print(f'# {line}')
                    # Also on stderr: meson's --print-errorlogs shows stderr.
                    print(f'{name}: {line}', file=sys.stderr)
        else:
            print(f'ok {i} - {name}')
    sys.stdout.flush()
    return 1 if failed else 0
