#!/usr/bin/env bash
# Schemathesis against our OpenAPI schema: the production server (serve.py) on a loopback port
# over a seeded database (DATABASE_URL), fixed seed, every operation, ≥ 1,000 cases; checks: no 5xx, and every
# response conforms to the schema. Bounded: 15 minutes at most.
#   DATABASE_URL=postgres://postgres@127.0.0.1:5432/crin_ci scripts/schemathesis.sh
set -euo pipefail
cd "$(dirname "$0")/.."
PORT="${SCHEMATHESIS_PORT:-18765}"
LOG="$(mktemp /tmp/crin_schemathesis_server.XXXXXX.log)"
# Development mode (plain http on loopback); the rate limit lifted for the fuzzer's burst.
DJANGO_ENV=development API_RATE_ANON=1000000000 BIND="127.0.0.1:$PORT" WEB_CONCURRENCY=2 \
  ACCESS_LOG=0 .venv/bin/python serve.py >"$LOG" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true; wait $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 1 60); do
  curl -fsS "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break
  sleep 1
done
curl -fsS "http://127.0.0.1:$PORT/healthz"; echo
set +e
timeout 900 .venv/bin/schemathesis run "http://127.0.0.1:$PORT/api/v1/schema/" \
  --checks not_a_server_error,response_schema_conformance \
  --seed 20260201 --max-examples 40 --phases examples,coverage,fuzzing \
  --workers 2 --request-timeout 30 --no-color | tee /tmp/crin_schemathesis.txt | tail -25
status=${PIPESTATUS[0]}
set -e
cases=$(grep -oE "[0-9]+ generated" /tmp/crin_schemathesis.txt | grep -oE "[0-9]+" || echo 0)
echo "schemathesis: $cases cases, exit $status"
if [ "$status" -ne 0 ]; then
  echo "--- server errors:"; grep -E "Error|Traceback" "$LOG" | tail -20
  exit "$status"
fi
if [ "$cases" -lt 1000 ]; then
  echo "schemathesis ran fewer than 1,000 cases" >&2
  exit 1
fi
