#!/usr/bin/env bash
# npm run typecheck: tsc in build mode, which skips the check when no source changed since the last
# clean one (.build/cache/tsc.tsbuildinfo). Build mode judges by the project's own files, so a
# dependency change (package-lock.json newer than the record) starts from scratch.
set -euo pipefail
cd "$(dirname "$0")/.."
info=.build/cache/tsc.tsbuildinfo
if [ -f "$info" ] && [ package-lock.json -nt "$info" ]; then rm -f "$info"; fi
exec npx tsc -b .
