#!/usr/bin/env bash
set -euo pipefail

usage() {
  cat <<'USAGE'
Usage: scripts/run-infra.sh

MySQL and RabbitMQ only, for developing the platform itself (then `npm start` or `npm test`).
- With a Docker engine: the compose stack's mysql and rabbitmq services, published on the host's
  loopback by docker-compose.dev.yml (3306, 5672, management UI 15672). The app then needs the
  credentials from .env: DB_USER=root DB_PASSWORD=$MYSQL_ROOT_PASSWORD RABBIT_USER=$RABBITMQ_USER ...
- Without one: the machine's own MariaDB and RabbitMQ (Debian packages), started if they are down;
  their defaults (root without password, guest/guest) are the app's defaults.
USAGE
}
case "${1:-}" in
  -h | --help) usage; exit 0 ;;
  ?*) echo "run-infra: takes no arguments (got $1)" >&2; usage >&2; exit 2 ;;
esac
cd "$(dirname "$0")/.."
source scripts/common.sh

if docker_engine; then
  ensure_env
  set -a; source .env; set +a
  ensure_certs
  compose -f docker-compose.yml -f docker-compose.dev.yml up -d mysql rabbitmq
  wait_port 3306 120
  wait_port 5672 120
  echo "run-infra: MySQL on 127.0.0.1:3306, RabbitMQ on 127.0.0.1:5672 (management http://127.0.0.1:15672)."
  echo "For the app: export DB_USER=root DB_PASSWORD=\$MYSQL_ROOT_PASSWORD RABBIT_USER=\$RABBITMQ_USER RABBIT_PASSWORD=\$RABBITMQ_PASSWORD (values in .env)"
  exit 0
fi

echo "run-infra: no Docker engine; using the local MariaDB and RabbitMQ services." >&2
if ! port_open 3306; then
  [ -x /usr/sbin/mariadbd ] || { echo "run-infra: MariaDB is not installed (apt-get install -y mariadb-server)" >&2; exit 1; }
  echo "run-infra: starting MariaDB"
  start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd
  wait_port 3306
fi
if ! port_open 5672; then
  command -v rabbitmq-server >/dev/null || { echo "run-infra: RabbitMQ is not installed (apt-get install -y rabbitmq-server)" >&2; exit 1; }
  echo "run-infra: starting RabbitMQ"
  rabbitmq-server -detached
  wait_port 5672
fi
echo "run-infra: MariaDB on 127.0.0.1:3306 (root, no password), RabbitMQ on 127.0.0.1:5672 (guest/guest)."
