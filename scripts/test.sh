#!/usr/bin/env bash
# npm test: the upstream CRDs, then the type check and the lint beside the unit tests (they use one
# core each, mocha's workers the rest), so the suite takes as long as its slowest part, not their sum.
# Their output follows mocha's, each under its name; any failure fails the run.
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/crds.sh || exit 1
logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT
npm run -s typecheck >"$logs/typecheck" 2>&1 &
typecheck=$!
npm run -s lint >"$logs/lint" 2>&1 &
lint=$!
npm run -s unit
unit=$?
status=0
for step in typecheck lint; do
  wait "${!step}"
  code=$?
  if [ "$code" -ne 0 ]; then
    echo "npm run $step failed (exit $code):"
    status=1
  else
    echo "npm run $step: ok"
  fi
  cat "$logs/$step"
done
[ "$unit" -eq 0 ] || { echo "npm run unit failed (exit $unit)"; status=1; }
exit "$status"
