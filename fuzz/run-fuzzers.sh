#!/bin/sh
# Builds the libFuzzer harnesses under ASan/UBSan and runs each in turn.
#   fuzz/run-fuzzers.sh [SECONDS-PER-FUZZER (default 600)] [abf atf csv sndfile model project cell swc]
# Seeds come from tests/data (the real recordings, plus one-sweep copies of
# the ABF files and the first rows of the ATF, so that runs stay fast: the
# real files are longer than -max_len and get cut); findings land in
# _build-fuzz/findings/<name>/. The test suite runs each for a few seconds (fuzz/smoke.sh, the
# ASan build of ./build-aux/test); this runs them for minutes, by hand.
set -eu
cd "$(dirname "$0")/.."
secs=${1:-600}
[ $# -gt 0 ] && shift
names=${*:-abf atf csv sndfile model project cell swc}
build=_build-fuzz
if [ ! -d "$build" ]; then
  CC=clang meson setup "$build" -Dfuzzers=true -Db_sanitize=address,undefined -Db_lundef=false \
    -Dbuildtype=debugoptimized >/dev/null
fi
for n in $names; do
  meson compile -C "$build" "fuzz/fuzz-$n" >/dev/null
done

seed() {  # seed NAME FILES...
  d="$build/corpus/$1"; shift
  mkdir -p "$d"
  for f in "$@"; do [ -f "$f" ] && cp "$f" "$d/"; done
}
seed abf tests/data/abf/*.abf
python3 fuzz/make-abf-seeds.py "$build/corpus/abf" tests/data/abf/*.abf
seed atf tests/data/atf/*.atf
head -n 60 tests/data/atf/18702001-step.atf > "$build/corpus/atf/mini-18702001-step.atf"
seed csv tests/data/io/*.csv tests/data/abf/*.csv
seed sndfile tests/data/io/*.wav tests/data/io/*.flac tests/data/io/*.aiff
seed model tests/data/engine/*.json tests/data/nmodl/*.json tests/data/morphology/*.json tests/data/fuzz-seeds/*.json
seed project tests/data/project/*.neurode data/demo/*.neurode tests/data/fuzz-seeds/*.neurode
seed cell data/cells/*.json tests/data/morphology/*.json
seed swc data/cells/*.swc tests/data/morphology/*.swc

for n in $names; do
  mkdir -p "$build/findings/$n"
  echo "== fuzz-$n for $secs s"
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    "$build/fuzz/fuzz-$n" "$build/corpus/$n" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
    -max_len=65536 -artifact_prefix="$build/findings/$n/" -print_final_stats=1 2>&1 | tail -25
done
