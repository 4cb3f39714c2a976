#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright 2026 The Neurode authors
# `neurode-cli fit-curves` on the real ICG extract: outputs, exit codes, messages.
set -eu
cli="$NEURODE_CLI"
data="$ND_TEST_DATA/icg"
out="$ND_TEST_OUTPUT/fit-curves"
rm -rf "$out"
mkdir -p "$ND_TEST_OUTPUT"
err="$ND_TEST_OUTPUT/fit-curves.err"

fail () { echo "FAIL: $*"; exit 1; }
expect () {   # expect STATUS MESSAGE-PART ARGS...
  want=$1; msg=$2; shift 2
  set +e
  "$cli" fit-curves "$@" 2>"$err" >/dev/null; rc=$?
  set -e
  [ "$rc" -eq "$want" ] || fail "fit-curves $* exited $rc, expected $want"
  grep -q "$msg" "$err" || fail "fit-curves $*: no “$msg” in: $(cat "$err")"
}

expect 2 "needs one curve table"
expect 2 "needs --out" "$data/curves-extract.csv"
expect 2 "temperature wants a number" "$data/curves-extract.csv" --out "$out" --temperature warm
expect 2 "unknown optimiser" "$data/curves-extract.csv" --out "$out" --method sgd
expect 1 "Cannot open" "$data/no-such-file.csv" --out "$out"
expect 1 "not an ICGenealogy" "$data/README.md" --out "$out"
expect 1 "no curves at 99" "$data/curves-extract.csv" --out "$out" --temperature 99

"$cli" fit-curves "$data/curves-extract.csv.gz" --out "$out" --temperature 6.3 --jobs 2 2>"$err" \
  || fail "fit-curves run failed: $(cat "$err")"
grep -q "21 curves" "$err" || fail "progress/summary line missing: $(cat "$err")"
grep -q "3 without usable tau" "$err" || fail "no-tau curve not reported: $(cat "$err")"
[ "$(head -1 "$out/summary.csv")" = "icg_class,channel,gate,temp_C,mse_inf,mse_tau,seconds" ] || fail "summary header"
[ "$(wc -l < "$out/summary.csv")" -eq 22 ] || fail "summary rows: $(wc -l < "$out/summary.csv")"
# Both classes of hh3.mod are there; the no-tau gate has an empty mse_tau.
grep -q "^K,124394_hh3.mod,s,6.3," "$out/summary.csv" || fail "K hh3 s missing"
grep -q "^Na,124394_hh3.mod,s,6.3," "$out/summary.csv" || fail "Na hh3 s missing"
grep -q "^K,106551_kaprox.mod,l,6.3,[0-9.e+-]*,," "$out/summary.csv" || fail "no-tau gate not left empty"
# Every gate with data fits under 1e-4 except kpkj h, whose source x_inf exceeds 1.
awk -F, 'NR > 1 && $2 != "180789_kpkj.mod" && (($5 != "" && $5 >= 1e-4) || ($6 != "" && $6 >= 1e-4)) { bad = 1; print }
         END { exit bad }' "$out/summary.csv" || fail "gates above 1e-4"
grep -q '"format" *: *"neurode-learned-gates-1"' "$out/networks.json" || fail "networks.json format"
[ "$(grep -o '"params"' "$out/networks.json" | wc -l)" -eq 21 ] || fail "networks.json: not one network per curve"
echo "fit-curves: ok"
