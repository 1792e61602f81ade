#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# sanitizer-retry.sh COMMAND [ARGS…]
#
# The test wrapper of `make check-asan`. LeakSanitizer stops every thread with ptrace at
# exit to scan for leaks; on a busy 2-core machine its tracer itself sometimes crashes
# ("Tracer caught signal 11 … LeakSanitizer has encountered a fatal error"), after every
# subtest has passed and without having checked anything. That is a failure of the tool,
# not a verdict on our code, so such a run — and only such a run — is repeated once. A leak
# report, an ASan/UBSan error or a failing test is never retried. The test's output is
# held until the run that counts is over, so the TAP stream meson reads is that run's alone.
set -u

tmp=$(mktemp -d "${TMPDIR:-/tmp}/qd-sanitizer.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

for attempt in 1 2; do
  "$@" >"$tmp/out" 2>"$tmp/err"
  rc=$?
  if [ $rc -ne 0 ] && [ $attempt -eq 1 ] &&
     grep -q 'LeakSanitizer has encountered a fatal error' "$tmp/err" &&
     ! grep -qE 'ERROR: (AddressSanitizer|LeakSanitizer: detected)|runtime error:' "$tmp/err"; then
    echo "sanitizer-retry: LeakSanitizer's tracer crashed in $1; running it once more" >&2
    continue
  fi
  break
done

cat "$tmp/out"
cat "$tmp/err" >&2
exit $rc
