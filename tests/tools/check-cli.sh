#!/bin/sh
# neurode-cli's contract: --help and --version succeed and print; unknown commands fail with exit 2.
set -eu
cli="$NEURODE_CLI"
out=$("$cli" --help); echo "$out" | grep -q "Usage: neurode-cli" || { echo "no usage in --help"; exit 1; }
ver=$("$cli" --version); echo "$ver" | grep -Eq "^neurode-cli [0-9]+\.[0-9]+\.[0-9]+$" || { echo "bad --version: $ver"; exit 1; }
set +e
"$cli" no-such-command 2>/tmp/nd-cli-err.$$; rc=$?
set -e
[ "$rc" -eq 2 ] || { echo "unknown command exited $rc, expected 2"; exit 1; }
grep -q "unknown command" /tmp/nd-cli-err.$$ || { echo "no message for unknown command"; exit 1; }
rm -f /tmp/nd-cli-err.$$
echo "cli basics: ok"
