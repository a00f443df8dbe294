#!/usr/bin/env bash
# Checks that a client generated from the running API's OpenAPI document by an independent
# generator (openapi-typescript-codegen, from npm) can schedule, read, list and pause a job.
#   KAIROS_API_KEY=… scripts/openapi-client-check.sh [base-url]      (default http://localhost:8080)
# Needs node and npm; installs the generator and TypeScript into target/openapi-client.
set -euo pipefail
cd "$(dirname "$0")/.."
BASE=${1:-http://localhost:8080}
: "${KAIROS_API_KEY:?set KAIROS_API_KEY to an API key with jobs:write}"
WORK=target/openapi-client
mkdir -p $WORK
cp scripts/openapi-client/check.ts $WORK/
cd $WORK
[ -f package.json ] || npm init -y > /dev/null
npm install --silent --no-audit --no-fund openapi-typescript-codegen@0.29.0 typescript@5
curl -sf "$BASE/v3/api-docs" > openapi.json
rm -rf client && npx openapi --input openapi.json --output client --client fetch
npx tsc --target es2022 --module commonjs --moduleResolution node --strict --esModuleInterop \
  --skipLibCheck --lib es2022,dom --outDir out check.ts
BASE="$BASE" KEY="$KAIROS_API_KEY" node out/check.js
