#!/usr/bin/env bash
set -euo pipefail

usage() {
  cat <<'USAGE'
Usage: scripts/run.sh [COMPOSE-UP-ARGUMENTS...]

Starts MyMONIT.
- Where a Docker engine answers `docker info`: builds the image and starts the whole compose stack
  (nginx on 443, two REST instances, two consumers, RabbitMQ with AMQPS on 5671, MySQL 8, the Elastic
  stack with Kibana on 5601). First run: writes .env with random secrets and ./certs with development
  certificates. Extra arguments go to `compose up` (e.g. a service name); COMPOSE_PROFILES=adapters
  adds the adapters.
- Where none does: says so and runs the platform locally with `npm start` (REST on :8080 and the
  consumer in one process, in the foreground) against the local MySQL/MariaDB and RabbitMQ, which
  scripts/run-infra.sh starts.
USAGE
}
for arg in "$@"; do
  case "$arg" in -h | --help) usage; exit 0 ;; esac
done
cd "$(dirname "$0")/.."
source scripts/common.sh

if docker_engine; then
  ensure_env
  set -a; source .env; set +a
  ensure_certs
  compose build
  compose up -d "$@"
  compose ps
  cat <<'INFO'
MyMONIT is starting (compose). Then:
  API        https://localhost/           (docs: https://localhost/docs; trust certs/ca.pem)
  AMQPS      amqps://localhost:5671       (user and password in .env)
  Kibana     https://localhost:5601       (user elastic, ELASTIC_PASSWORD in .env)
  First ADMIN and a token:
    docker compose run --rm migrate node dist/src/main.js user create --role ADMIN --username admin --user-id A1 --name "First Admin" --email admin@example.org
    docker compose run --rm migrate node dist/src/main.js token admin
INFO
else
  echo "run: no Docker engine answers 'docker info': starting MyMONIT locally (npm start) against local MySQL and RabbitMQ instead of the compose stack." >&2
  scripts/run-infra.sh
  exec npm start
fi
