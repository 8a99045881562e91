#!/usr/bin/env bash
# schemathesis over openapi.yaml against a real `schema-registry serve` (issue 9): a fresh
# SQLite database, a free loopback port, a fixed seed and bounded examples; exits non-zero when
# any request gets a server error (or the check set in SCHEMATHESIS_CHECKS fails).
#
#   tests/schemathesis/run.sh            # debug build, checks: not_a_server_error
#   SR_PROFILE=release SCHEMATHESIS_CHECKS=all tests/schemathesis/run.sh
#
# Environment: VENV (default: .venv at the repo root, created if missing; schemathesis is
# installed into it from requirements.txt beside this script), SR_PROFILE (debug|release),
# SCHEMATHESIS_SEED (default 20261130), SCHEMATHESIS_MAX_EXAMPLES (default 20),
# SCHEMATHESIS_TIME_LIMIT (seconds for the whole schemathesis run, default 600).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$root"

venv="${VENV:-$root/.venv}"
profile="${SR_PROFILE:-debug}"
seed="${SCHEMATHESIS_SEED:-20261130}"
max_examples="${SCHEMATHESIS_MAX_EXAMPLES:-20}"
time_limit="${SCHEMATHESIS_TIME_LIMIT:-600}"
checks="${SCHEMATHESIS_CHECKS:-not_a_server_error}"

wanted="$(grep -i '^schemathesis==' "$here/requirements.txt")"
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
fi
if ! "$venv/bin/python" -m pip show schemathesis 2>/dev/null | grep -qx "Version: ${wanted#*==}"; then
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$here/requirements.txt"
fi

build_flags=(-p registry-server --bin schema-registry --locked)
[ "$profile" = release ] && build_flags+=(--release)
cargo build "${build_flags[@]}"
server_bin="$root/target/$profile/schema-registry"

work="$(mktemp -d)"
port="$("$venv/bin/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
base="http://127.0.0.1:$port"
SR_LOG=warn "$server_bin" serve --listen "127.0.0.1:$port" \
  --database-url "sqlite://$work/registry.db" >"$work/server.log" 2>&1 &
server_pid=$!
cleanup() {
  kill "$server_pid" 2>/dev/null || true
  wait "$server_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

for _ in $(seq 1 100); do
  curl -fsS "$base/health/live" >/dev/null 2>&1 && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$work/server.log"; echo "server exited" >&2; exit 1; }
  sleep 0.2
done
curl -fsS "$base/health/live" >/dev/null
# A few schemas, so id, version and subject paths also reach past "not found".
seed_schema() {
  curl -fsS -X POST "$base/subjects/$1/versions" \
    -H 'Content-Type: application/vnd.schemaregistry.v1+json' --data "$2" >/dev/null
}
seed_schema seed-value '{"schema":"{\"type\":\"record\",\"name\":\"Seed\",\"fields\":[{\"name\":\"a\",\"type\":\"string\"}]}"}'
seed_schema seed-json '{"schemaType":"JSON","schema":"{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"string\"}}}"}'
seed_schema seed-ref '{"schema":"{\"type\":\"record\",\"name\":\"Outer\",\"fields\":[{\"name\":\"s\",\"type\":\"Seed\"}]}","references":[{"name":"Seed","subject":"seed-value","version":1}]}'

started=$SECONDS
status=0
# From the temp dir: schemathesis keeps its example database in ./.schemathesis, and a fresh
# one each run keeps the fixed seed reproducible.
cd "$work"
timeout --signal=INT --kill-after=30 "$time_limit" \
  "$venv/bin/schemathesis" --no-color run "$root/openapi.yaml" \
    --url "$base" \
    --checks "$checks" \
    --seed "$seed" \
    --max-examples "$max_examples" \
    --workers 1 \
    --request-timeout 30 \
    --report junit --report-dir "${SCHEMATHESIS_REPORT_DIR:-$work/report}" \
  || status=$?
echo "schemathesis: exit $status after $((SECONDS - started)) s (seed $seed, $max_examples examples per operation, checks $checks)"

cd "$root"
if ! kill -0 "$server_pid" 2>/dev/null; then
  echo "the server died during the run:" >&2
  tail -n 50 "$work/server.log" >&2
  exit 1
fi
if grep -q "ERROR" "$work/server.log"; then
  echo "server errors logged during the run:" >&2
  grep "ERROR" "$work/server.log" | sort | uniq -c | sort -rn | head -n 30 >&2
fi
exit "$status"
