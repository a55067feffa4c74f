# Shared by scripts/run.sh and scripts/run-infra.sh (sourced, not run).

# True when a Docker engine answers (not just a docker CLI).
docker_engine() {
  command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1
}

# Compose v2 (`docker compose`) when present, else the standalone docker-compose.
compose() {
  if docker compose version >/dev/null 2>&1; then
    docker compose "$@"
  elif command -v docker-compose >/dev/null 2>&1; then
    docker-compose "$@"
  else
    echo "compose is missing: install the Docker Compose plugin (or apt-get install -y docker-compose)" >&2
    return 1
  fi
}

# .env from .env.example on first use, every "change-me..." replaced by its own random secret.
ensure_env() {
  [ -f .env ] && return 0
  command -v openssl >/dev/null || { echo "openssl is missing (apt-get install -y openssl)" >&2; return 1; }
  (
    umask 077
    while IFS= read -r line || [ -n "$line" ]; do
      if [[ $line =~ ^([A-Z0-9_]+)=change-me ]]; then
        printf '%s=%s\n' "${BASH_REMATCH[1]}" "$(openssl rand -hex 24)"
      else
        printf '%s\n' "$line"
      fi
    done <.env.example >.env
  )
  echo "wrote .env with fresh random secrets (git-ignored; keep it: the database and broker were created with them)"
}

# Development certificates in ./certs unless present (or MYMONIT_CERTS_DIR points elsewhere).
ensure_certs() {
  local dir="${MYMONIT_CERTS_DIR:-./certs}"
  [ -f "$dir/server.pem" ] && [ -f "$dir/server.key" ] && [ -f "$dir/ca.pem" ] && return 0
  scripts/gen-certs.sh "$dir"
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

wait_port() {
  for _ in $(seq 1 "${2:-60}"); do port_open "$1" && return 0; sleep 1; done
  echo "port $1 did not open" >&2
  return 1
}
