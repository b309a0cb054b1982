#!/usr/bin/env bash
# `npm test`: installs what is missing (npm packages, redis-server, Chromium),
# builds, then runs the unit tests (Node, Redis) and the end-to-end tests (real Chromium).
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== dependencies"
node scripts/ensure-deps.mjs
echo "== build"
npm run --silent build
echo "== types (everything, and the core without DOM or Node globals)"
npm run --silent typecheck
echo "== packaging (npm pack, publint, React and Preact apps from the README built with Vite)"
node scripts/pack-test.mjs
echo "== redis-server (for the Redis tests, which start their own on a free loopback port)"
bash scripts/ensure-redis.sh
echo "== unit tests (vitest, Node; Redis tests against a real redis-server)"
npx vitest run
echo "== browser"
bash scripts/ensure-chromium.sh
echo "== end-to-end tests (playwright, Chromium)"
npx playwright test "$@"
