#!/bin/sh
# One short fuzzing run of a harness, as a test: fuzz/smoke.sh HARNESS SECONDS WORKDIR SEED-DIR...
# New inputs go into WORKDIR (libFuzzer writes into its first corpus folder), never into the seeds;
# a finding is kept in WORKDIR/findings/ and fails the test.
set -eu
harness=$1 secs=$2 work=$3
shift 3
mkdir -p "$work/corpus" "$work/findings"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  exec "$harness" "$work/corpus" "$@" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
  -artifact_prefix="$work/findings/" -print_final_stats=1
