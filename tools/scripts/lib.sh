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

# Installs a Debian package (judged by a file it ships) when missing. Run here, before parallel
# test workers could race for apt's lock; the test fixtures also install it when run alone.
ensure_debian_package() {
  local package="$1" shipped="$2" purpose="$3"
  [ -f "$shipped" ] && return 0
  if [ "$(id -u)" != 0 ]; then
    echo "[custody] $package is missing ($purpose); install it: sudo apt-get install -y $package" >&2
    return 1
  fi
  echo "[custody] installing $package ($purpose)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y --no-install-recommends "$package" >/dev/null \
    || { apt-get update >/dev/null && apt-get install -y --no-install-recommends "$package" >/dev/null; }
}

# Debian's librdkafka-dev: its mock cluster is the Kafka test broker (tools/kafka-test-broker).
ensure_librdkafka() {
  ensure_debian_package librdkafka-dev /usr/include/librdkafka/rdkafka_mock.h "Kafka test broker"
}

# kubectl renders the Kustomize overlays in the manifest check (`kubectl kustomize`, offline). When
# absent, Debian's kubernetes-client provides it (an older kubectl, whose kustomize still reads the
# fields the overlays use: bases, images, patchesStrategicMerge).
ensure_kubectl() {
  command -v kubectl >/dev/null 2>&1 && return 0
  ensure_debian_package kubernetes-client /usr/bin/kubectl "renders the Kubernetes overlays in the manifest check"
}

# promtool checks the alerting rules' PromQL and the Prometheus configuration in the manifest check
# (Debian's prometheus package ships it; its server is not started).
ensure_promtool() {
  ensure_debian_package prometheus /usr/bin/promtool "checks the alerting rules and the Prometheus configuration"
}

# Debian's softhsm2: the PKCS#11 HSM that holds wallet keys in tests and development.
ensure_softhsm2() {
  ensure_debian_package softhsm2 /usr/lib/softhsm/libsofthsm2.so "HSM for wallet keys"
}

# Debian's kcat: a Kafka client no one here wrote, the attacker of the trust-boundary e2e (an unsigned trade).
ensure_kcat() {
  ensure_debian_package kcat /usr/bin/kcat "a Kafka client of its own for the trust-boundary e2e"
}

# openssl makes the throwaway PKI of the Kafka mutual-TLS test.
ensure_openssl() {
  ensure_debian_package openssl /usr/bin/openssl "the Kafka mutual-TLS test's certificates"
}

# Debian's Chromium: the dashboard's browser test drives it headless through playwright-core
# (Playwright's own browser download is never used: no network beyond the registries).
ensure_chromium() {
  ensure_debian_package chromium /usr/bin/chromium "headless browser for the dashboard's end-to-end test"
}

# Nx must never phone home.
export NX_DAEMON=false NX_NO_CLOUD=true NX_SKIP_NX_CACHE=true
