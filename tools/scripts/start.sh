#!/usr/bin/env bash
# npm start: the all-in-one runner (apps/custody): the five services in one process on an embedded
# PostgreSQL kept in ./.custody (or DATABASE_URL) and the in-process bus (or KAFKA_BROKERS), with the
# exchange simulator trading.
# npm run start:<service> (or start.sh <service> ...): only those services, each its own process,
# against the local PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/../.."
source tools/scripts/lib.sh
declare -A PORTS=([ledger]=3001 [wallet]=3002 [policy]=3003 [reconciliation]=3004 [audit]=3005)
services=("$@")
if [ ${#services[@]} -eq 0 ]; then
  ensure_node_modules
  exec node --max-semi-space-size=64 -r @swc-node/register apps/custody/src/main.ts
fi
for service in "${services[@]}"; do
  [ -n "${PORTS[$service]:-}" ] || { echo "[custody] unknown service '$service' (ledger, wallet, policy, reconciliation, audit)" >&2; exit 64; }
done
ensure_node_modules
ensure_postgres

export DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/custody}"
export AUTH_ISSUER="${AUTH_ISSUER:-custody-dev}" AUTH_AUDIENCE="${AUTH_AUDIENCE:-custody}"
if [ -z "${AUTH_JWT_SECRET:-}" ] && [ -z "${AUTH_JWKS_URL:-}" ]; then
  # Development only: a random signing secret kept outside git, readable by this user only.
  mkdir -p .dev && chmod 700 .dev
  [ -s .dev/auth-secret ] || (umask 077 && node -e "process.stdout.write(require('crypto').randomBytes(32).toString('hex'))" > .dev/auth-secret)
  AUTH_JWT_SECRET="$(cat .dev/auth-secret)"
  export AUTH_JWT_SECRET
fi
if [ -z "${AUDIT_SIGNING_KEY_FILE:-}" ]; then
  # Development only: an Ed25519 key for the audit checkpoints, kept outside git (production mounts one from a secret).
  mkdir -p .dev && chmod 700 .dev
  [ -s .dev/audit-signing.pem ] || (umask 077 && node -e "process.stdout.write(require('crypto').generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }))" > .dev/audit-signing.pem)
  export AUDIT_SIGNING_KEY_FILE=.dev/audit-signing.pem AUDIT_CHECKPOINT_DIR="${AUDIT_CHECKPOINT_DIR:-.dev/checkpoints}"
fi
node -r @swc-node/register tools/scripts/ensure-database.ts

pids=()
stop_all() { kill "${pids[@]}" 2>/dev/null || true; wait || true; }
trap stop_all INT TERM EXIT
for service in "${services[@]}"; do
  PORT="${PORTS[$service]}" node --max-semi-space-size=64 -r @swc-node/register "apps/$service/src/main.ts" &
  pids+=($!)
done
cat >&2 <<MSG
[custody] starting $(for service in "${services[@]}"; do printf '%s :%s ' "$service" "${PORTS[$service]}"; done)
[custody] database: ${DATABASE_URL%%\?*} (each service owns its schema)
[custody] probes: curl localhost:3001/health/ready    metrics: curl localhost:3001/metrics
[custody] audit checkpoints signed with ${AUDIT_SIGNING_KEY_FILE} (written to ${AUDIT_CHECKPOINT_DIR:-the audit record only}); the auditor's CLI: npm run audit
[custody] a token for the API: TOKEN=\$(npm run -s dev:token -- auditor) && curl -H "Authorization: Bearer \$TOKEN" localhost:3001/v1/event-log
[custody] Ctrl-C stops them.
MSG
wait -n "${pids[@]}"
echo "[custody] a service exited; stopping the others" >&2
exit 1
