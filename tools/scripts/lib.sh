# Shared by start.sh, test.sh and .ci/run. Sourced, not executed.

# Installs node_modules from the lockfile when missing or older than the lockfile.
ensure_node_modules() {
  if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    echo "[custody] installing dependencies (npm ci)"
    npm ci --no-audit --no-fund
  fi
}

# Starts the machine's PostgreSQL when it is not answering on 127.0.0.1:5432.
ensure_postgres() {
  if node -e "const s=require('net').connect(5432,'127.0.0.1');s.on('connect',()=>process.exit(0));s.on('error',()=>process.exit(1))"; then
    return 0
  fi
  if command -v pg_ctlcluster >/dev/null 2>&1; then
    echo "[custody] PostgreSQL is down; starting it"
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -n 1)" main start
    for _ in $(seq 1 30); do
      node -e "const s=require('net').connect(5432,'127.0.0.1');s.on('connect',()=>process.exit(0));s.on('error',()=>process.exit(1))" && return 0
      sleep 1
    done
  fi
  echo "[custody] PostgreSQL is not reachable on 127.0.0.1:5432 and could not be started" >&2
  return 1
}

# Debian's librdkafka-dev: its mock cluster is the Kafka test broker (tools/kafka-test-broker).
# Installed here, before parallel test workers could race for apt's lock; the test fixture
# also installs it when run alone, and builds the launcher.
ensure_librdkafka() {
  [ -f /usr/include/librdkafka/rdkafka_mock.h ] && return 0
  if [ "$(id -u)" != 0 ]; then
    echo "[custody] librdkafka-dev is missing; install it: sudo apt-get install -y librdkafka-dev" >&2
    return 1
  fi
  echo "[custody] installing librdkafka-dev (Kafka test broker)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y --no-install-recommends librdkafka-dev >/dev/null \
    || { apt-get update >/dev/null && apt-get install -y --no-install-recommends librdkafka-dev >/dev/null; }
}

# Nx must never phone home.
export NX_DAEMON=false NX_NO_CLOUD=true NX_SKIP_NX_CACHE=true
