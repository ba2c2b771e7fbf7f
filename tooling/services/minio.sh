# shellcheck shell=bash
# MinIO + mc: build at pinned commits into the cache, run one local server under .nbs/minio.
# It serves https only (like real S3), with a certificate from a private CA made here once.
# Sourced by services.sh (needs lib.sh).
MINIO_PIN="v0.0.0-20260212201848-7aac2a2c5b7c"
MC_PIN="v0.0.0-20250313080218-cf909e1063a9"
MINIO_BIN="$NBS_CACHE_DIR/minio/$MINIO_PIN/bin/minio"
MC_BIN="$NBS_CACHE_DIR/mc/$MC_PIN/bin/mc"
MINIO_DIR="$NBS_STATE_DIR/minio"
MINIO_STATE="$MINIO_DIR/state"
MINIO_PID="$NBS_STATE_DIR/minio.pid"
MC_CONFIG_DIR="$NBS_STATE_DIR/mc"
# mc is built and set up unless `services.sh up --no-mc` (the demo: it needs only the server).
MINIO_WITH_MC="${MINIO_WITH_MC:-true}"
# The private CA (key and certificate; the certificate is AWS_CA_BUNDLE in services.env) and
# MinIO's --certs-dir (public.crt, private.key, CAs/). Both persist with the state.
MINIO_CA_DIR="$MINIO_DIR/ca"
MINIO_CA_CRT="$MINIO_CA_DIR/ca.crt"
MINIO_CA_KEY="$MINIO_CA_DIR/ca.key"
MINIO_CERTS_DIR="$MINIO_DIR/certs"

# go install <module>@<pin> into <bin dir>; the pin is part of the path, so a new pin rebuilds.
minio_go_install() {
  local module="$1" pin="$2" bindir="$3" tmp
  [ -x "$bindir/$(basename "$module")" ] && return 0
  command -v go >/dev/null 2>&1 \
    || nbs_die "go not found; install Go >= 1.25 (apt-get install golang-go, or go.dev/dl)"
  nbs_log "building $module@$pin (first time takes minutes)"
  tmp="$bindir.tmp.$$"
  rm -rf "$tmp" && mkdir -p "$tmp"
  # The standard library (~18 % of MinIO's compile) builds into GOCACHE while `go install` is
  # still downloading modules (network-bound, about a minute cold); warm, this is a quick check.
  CGO_ENABLED=0 GOFLAGS=-trimpath go build std >/dev/null 2>&1 &
  local std=$!
  GOBIN="$tmp" CGO_ENABLED=0 GOFLAGS=-trimpath go install "$module@$pin" >&2 \
    || { wait "$std" || true; rm -rf "$tmp"; nbs_die "go install $module@$pin failed"; }
  wait "$std" || true
  rm -rf "$bindir" && mv "$tmp" "$bindir"
}

# Both binaries (tooling/containers/images.sh packages both), mc unless --no-mc.
minio_install() {
  minio_go_install github.com/minio/minio "$MINIO_PIN" "$(dirname "$MINIO_BIN")"
  [ "$MINIO_WITH_MC" != true ] || minio_go_install github.com/minio/mc "$MC_PIN" "$(dirname "$MC_BIN")"
}

# After the server is healthy, also when it was already running (a demo's `up --no-mc`, then a
# test's `up`): build mc unless --no-mc, and point its alias `nbs` at the server when it exists.
minio_mc_setup() {
  if [ "$MINIO_WITH_MC" = true ]; then
    minio_go_install github.com/minio/mc "$MC_PIN" "$(dirname "$MC_BIN")"
  fi
  [ -x "$MC_BIN" ] || return 0
  MC_CONFIG_DIR="$MC_CONFIG_DIR" "$MC_BIN" alias set nbs "https://127.0.0.1:$(minio_port PORT)" \
    "$(minio_port ROOT_USER)" "$(minio_port ROOT_PASSWORD)" >/dev/null \
    || nbs_die "mc alias set failed"
}

minio_port() { nbs_state_get "$MINIO_STATE" "$1"; }

minio_healthy() {
  local port; port="$(minio_port PORT)" || return 1
  [ -f "$MINIO_CA_CRT" ] || return 1
  curl -fsS -o /dev/null --max-time 2 --cacert "$MINIO_CA_CRT" \
    "https://127.0.0.1:$port/minio/health/live"
}

# True when the server on our port still answers over plain http (started before TLS).
minio_plain_http() {
  local port; port="$(minio_port PORT)" || return 1
  curl -fsS -o /dev/null --max-time 2 "http://127.0.0.1:$port/minio/health/live" 2>/dev/null
}

# openssl config for the CA and the server certificate (no dependence on the system's
# openssl.cnf defaults).
minio_openssl_cnf() {
  cat <<'CNF'
[req]
distinguished_name = dn
prompt = no
[dn]
CN = nbs local test CA
[ca_ext]
basicConstraints = critical, CA:TRUE, pathlen:0
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[server_ext]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = IP:127.0.0.1, DNS:localhost
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
CNF
}

# True when the server certificate chains to the CA, is valid now (both of them), names
# 127.0.0.1 and localhost, and belongs to private.key.
minio_certs_valid() {
  local crt="$MINIO_CERTS_DIR/public.crt" key="$MINIO_CERTS_DIR/private.key"
  [ -s "$MINIO_CA_CRT" ] && [ -s "$MINIO_CA_KEY" ] && [ -s "$crt" ] && [ -s "$key" ] || return 1
  cmp -s "$MINIO_CA_CRT" "$MINIO_CERTS_DIR/CAs/nbs-local-ca.crt" || return 1
  openssl verify -CAfile "$MINIO_CA_CRT" -purpose sslserver -verify_ip 127.0.0.1 \
    -verify_hostname localhost "$crt" >/dev/null 2>&1 || return 1
  [ "$(openssl x509 -in "$crt" -noout -pubkey 2>/dev/null)" \
    = "$(openssl pkey -in "$key" -pubout 2>/dev/null)" ]
}

# Keep the CA in $1 (copy it there) when it is still valid and matches its key; else 1.
minio_reuse_ca() {
  [ -s "$MINIO_CA_KEY" ] && [ -s "$MINIO_CA_CRT" ] \
    && openssl verify -CAfile "$MINIO_CA_CRT" "$MINIO_CA_CRT" >/dev/null 2>&1 \
    && [ "$(openssl x509 -in "$MINIO_CA_CRT" -noout -pubkey 2>/dev/null)" \
      = "$(openssl pkey -in "$MINIO_CA_KEY" -pubout 2>/dev/null)" ] \
    && cp "$MINIO_CA_KEY" "$1/ca.key" && cp "$MINIO_CA_CRT" "$1/ca.crt"
}

# CA (unless kept) and server key + certificate into $1, checked, then moved into place.
minio_make_certs() {
  local tmp="$1" cnf="$1/openssl.cnf"
  minio_openssl_cnf >"$cnf" || return 1
  if ! minio_reuse_ca "$tmp"; then
    nbs_log "creating the local CA for minio's TLS certificate in $MINIO_CA_DIR"
    openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$tmp/ca.key" \
      && openssl req -config "$cnf" -x509 -new -key "$tmp/ca.key" -sha256 -days 3650 \
        -extensions ca_ext -out "$tmp/ca.crt" || return 1
  fi
  nbs_log "issuing minio's server certificate (127.0.0.1, localhost) in $MINIO_CERTS_DIR"
  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$tmp/private.key" \
    && openssl req -config "$cnf" -new -key "$tmp/private.key" -subj "/CN=localhost" \
      -out "$tmp/server.csr" \
    && openssl x509 -req -in "$tmp/server.csr" -CA "$tmp/ca.crt" -CAkey "$tmp/ca.key" \
      -set_serial "0x$(openssl rand -hex 16)" -days 825 -sha256 \
      -extfile "$cnf" -extensions server_ext -out "$tmp/public.crt" 2>/dev/null \
    && openssl verify -CAfile "$tmp/ca.crt" -purpose sslserver -verify_ip 127.0.0.1 \
      -verify_hostname localhost "$tmp/public.crt" >/dev/null \
    && chmod 600 "$tmp/ca.key" "$tmp/private.key" && chmod 644 "$tmp/ca.crt" "$tmp/public.crt" \
    && mkdir -p "$MINIO_CA_DIR" "$MINIO_CERTS_DIR/CAs" \
    && mv -f "$tmp/ca.key" "$MINIO_CA_KEY" && mv -f "$tmp/ca.crt" "$MINIO_CA_CRT" \
    && mv -f "$tmp/private.key" "$MINIO_CERTS_DIR/private.key" \
    && mv -f "$tmp/public.crt" "$MINIO_CERTS_DIR/public.crt" \
    && cp "$MINIO_CA_CRT" "$MINIO_CERTS_DIR/CAs/nbs-local-ca.crt"
}

# The private CA (EC P-256, 10 years) and a server certificate for 127.0.0.1/localhost signed
# by it (825 days), made once under $MINIO_DIR; remade when missing or no longer verifying.
# A still valid CA is kept, so whatever trusts it keeps working.
minio_ensure_certs() {
  minio_certs_valid && return 0
  local tmp
  tmp="$(umask 077 && mktemp -d "$MINIO_DIR/certs.tmp.XXXXXX")"
  if ! (umask 077 && minio_make_certs "$tmp"); then
    rm -rf "$tmp"
    nbs_die "could not create minio's TLS certificates with openssl (in $MINIO_DIR)"
  fi
  rm -rf "$tmp"
  minio_certs_valid || nbs_die "minio's TLS certificates in $MINIO_CERTS_DIR do not verify"
}

# mc trusts the CA through its documented location, <config dir>/certs/CAs/.
minio_mc_trust() {
  mkdir -p "$MC_CONFIG_DIR/certs/CAs"
  cmp -s "$MINIO_CA_CRT" "$MC_CONFIG_DIR/certs/CAs/nbs-local-ca.crt" \
    || cp "$MINIO_CA_CRT" "$MC_CONFIG_DIR/certs/CAs/nbs-local-ca.crt"
}

# Credentials and the KMS key persist with the data dir: objects encrypted earlier stay readable.
minio_ensure_state() {
  mkdir -p "$MINIO_DIR/data" "$NBS_LOG_DIR"
  [ -f "$MINIO_STATE" ] && return 0
  (
    umask 077
    {
      echo "ROOT_USER=nbs-$(nbs_random_secret 8)"
      echo "ROOT_PASSWORD=$(nbs_random_secret 32)"
      echo "KMS_SECRET_KEY=nbs-test-key:$(head -c 32 /dev/urandom | base64)"
    } >"$MINIO_STATE"
  )
}

minio_set_ports() { # rewrite PORT/CONSOLE_PORT in the state file
  local port="$1" console="$2" rest
  rest="$(grep -vE '^(PORT|CONSOLE_PORT)=' "$MINIO_STATE")"
  (umask 077; printf '%s\nPORT=%s\nCONSOLE_PORT=%s\n' "$rest" "$port" "$console" >"$MINIO_STATE")
}

# Poll until healthy (0) or $1 seconds pass / the process dies (1).
minio_wait_healthy() {
  local i
  for ((i = 0; i < $1 * 10; i++)); do
    minio_healthy 2>/dev/null && return 0
    nbs_pid_alive "$MINIO_PID" || return 1
    sleep 0.1
  done
  minio_healthy 2>/dev/null
}

minio_up() {
  nbs_require openssl "install openssl (apt-get install openssl)"
  minio_ensure_state
  minio_ensure_certs
  minio_mc_trust
  if nbs_pid_alive "$MINIO_PID"; then
    if minio_plain_http; then
      nbs_log "minio pid $(cat "$MINIO_PID") serves plain http (started before TLS); restarting it with https"
      nbs_stop_pid "$MINIO_PID" 20
    elif minio_wait_healthy 10; then
      nbs_log "minio already running (pid $(cat "$MINIO_PID"), https port $(minio_port PORT))"
      minio_mc_setup
      return 0
    else
      nbs_log "minio pid $(cat "$MINIO_PID") is not answering over https with the local CA; restarting it"
      nbs_stop_pid "$MINIO_PID" 20
    fi
  fi
  minio_install
  local port console
  port="$(nbs_reuse_or_free_port "$(minio_port PORT)")"
  console="$(nbs_reuse_or_free_port "$(minio_port CONSOLE_PORT)")"
  while [ "$console" = "$port" ]; do console="$(nbs_free_port)"; done
  minio_set_ports "$port" "$console"
  nbs_log "starting minio on https://127.0.0.1:$port (console :$console), log $NBS_LOG_DIR/minio.log"
  MINIO_ROOT_USER="$(minio_port ROOT_USER)" MINIO_ROOT_PASSWORD="$(minio_port ROOT_PASSWORD)" \
    MINIO_KMS_SECRET_KEY="$(minio_port KMS_SECRET_KEY)" MINIO_UPDATE=off \
    MINIO_BROWSER_REDIRECT=off \
    setsid "$MINIO_BIN" server --quiet --certs-dir "$MINIO_CERTS_DIR" --address "127.0.0.1:$port" \
    --console-address "127.0.0.1:$console" "$MINIO_DIR/data" \
    >>"$NBS_LOG_DIR/minio.log" 2>&1 </dev/null &
  echo $! >"$MINIO_PID"
  nbs_record_started minio
  if ! minio_wait_healthy 30; then
    tail -n 20 "$NBS_LOG_DIR/minio.log" >&2
    nbs_die "minio did not become healthy within 30s; see $NBS_LOG_DIR/minio.log"
  fi
  nbs_log "minio healthy"
  minio_mc_setup
}

minio_down() {
  if nbs_pid_alive "$MINIO_PID"; then
    nbs_log "stopping minio (pid $(cat "$MINIO_PID"))"
    nbs_stop_pid "$MINIO_PID" 20
  else
    rm -f "$MINIO_PID"
  fi
}

minio_status() {
  if nbs_pid_alive "$MINIO_PID"; then
    local health=unhealthy
    if minio_healthy; then health=healthy
    elif minio_plain_http; then health="unhealthy: plain http, \`up\` restarts it with https"
    fi
    echo "minio: running ($health) pid $(cat "$MINIO_PID") s3 https://127.0.0.1:$(minio_port PORT) console https://127.0.0.1:$(minio_port CONSOLE_PORT) ca $MINIO_CA_CRT"
  else
    echo "minio: stopped"; return 1
  fi
}

minio_env() {
  cat <<ENV
export BACKUP_S3_ENDPOINT='https://127.0.0.1:$(minio_port PORT)'
export AWS_CA_BUNDLE='$MINIO_CA_CRT'
export AWS_ACCESS_KEY_ID='$(minio_port ROOT_USER)'
export AWS_SECRET_ACCESS_KEY='$(minio_port ROOT_PASSWORD)'
export AWS_REGION='us-east-1'
export NBS_KMS_KEY_ID='nbs-test-key'
ENV
  # mc only when built (not after `up --no-mc` on a cold cache)
  [ ! -x "$MC_BIN" ] || printf "export NBS_MC='%s'\nexport MC_CONFIG_DIR='%s'\n" "$MC_BIN" "$MC_CONFIG_DIR"
}
