#!/usr/bin/env bash
# `npm test`: installs what is missing, builds, then runs the unit tests (Node)
# and the end-to-end tests (real Chromium).
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== dependencies"
node scripts/ensure-deps.mjs
echo "== build"
npm run --silent build
echo "== types (everything, and the core without DOM or Node globals)"
npm run --silent typecheck
echo "== unit tests (vitest, Node)"
npx vitest run
echo "== browser"
bash scripts/ensure-chromium.sh
echo "== end-to-end tests (playwright, Chromium)"
npx playwright test "$@"
