#!/usr/bin/env bash
set -euo pipefail

usage() {
  cat <<'USAGE'
Usage: scripts/kibana-import.sh [FILE.ndjson]

Imports MyMONIT's Kibana saved objects (data views, the audit dashboard, the log searches) into a
running Kibana through its saved objects import API. Safe to run again: existing objects are overwritten.
FILE defaults to logstash/kibana/saved-objects.ndjson. Environment:
  KIBANA_URL       https://localhost:5601 (compose publishes Kibana through nginx over HTTPS)
  KIBANA_USER      elastic
  KIBANA_PASSWORD  the ELASTIC_PASSWORD of .env (read from .env when unset; required, never empty)
  KIBANA_CACERT    CA of Kibana's certificate (default ./certs/ca.pem when it exists)
  KIBANA_SPACE     a Kibana space id (default: the default space)
  KIBANA_WAIT      seconds to wait for Kibana to be available (default 180)
USAGE
}
case "${1:-}" in
  -h | --help) usage; exit 0 ;;
  -*) echo "kibana-import: unknown option $1" >&2; usage >&2; exit 2 ;;
esac
[ $# -le 1 ] || { usage >&2; exit 2; }

root=$(cd "$(dirname "$0")/.." && pwd)
file=${1:-$root/logstash/kibana/saved-objects.ndjson}
url=${KIBANA_URL:-https://localhost:5601}
user=${KIBANA_USER:-elastic}
password=${KIBANA_PASSWORD:-}
if [[ -z "$password" && -f "$root/.env" ]]; then
  password=$(sed -n 's/^ELASTIC_PASSWORD=//p' "$root/.env" | tail -n 1 | tr -d '"'"'")
fi
# An empty password would send an anonymous-looking request and fail later with a confusing 401.
if [[ -z "$password" ]]; then
  echo "kibana-import: no password: set KIBANA_PASSWORD, or ELASTIC_PASSWORD in $root/.env" >&2
  exit 2
fi
cacert=${KIBANA_CACERT:-}
if [[ -z "$cacert" && -f "$root/certs/ca.pem" ]]; then cacert=$root/certs/ca.pem; fi
space=${KIBANA_SPACE:+/s/$KIBANA_SPACE}
wait_seconds=${KIBANA_WAIT:-180}

[[ -f "$file" ]] || { echo "kibana-import: no such file: $file" >&2; exit 2; }

curl_args=(--silent --show-error -H 'kbn-xsrf: mymonit')
if [[ -n "$cacert" ]]; then curl_args+=(--cacert "$cacert"); fi

# The credentials go through a curl config on a file descriptor, never on the command line (ps shows it).
kibana() {
  local escaped=${password//\\/\\\\}
  escaped=${escaped//\"/\\\"}
  curl --config <(printf 'user = "%s:%s"\n' "$user" "$escaped") "${curl_args[@]}" "$@"
}

# Kibana answers 503 while it starts and migrates its own index: wait until its status API says available.
deadline=$((SECONDS + wait_seconds))
until status=$(kibana --output /dev/null --write-out '%{http_code}' "$url/api/status" 2>/dev/null) && [[ "$status" == 200 ]]; do
  if ((SECONDS >= deadline)); then
    echo "kibana-import: Kibana at $url not available after ${wait_seconds}s (last HTTP status: ${status:-none})" >&2
    exit 1
  fi
  sleep 3
done

response=$(kibana -X POST "$url$space/api/saved_objects/_import?overwrite=true" --form "file=@$file")
if [[ "$response" != *'"success":true'* ]]; then
  echo "kibana-import: import failed: $response" >&2
  exit 1
fi
count=$(sed -n 's/.*"successCount":\([0-9]*\).*/\1/p' <<<"$response")
echo "kibana-import: imported ${count:-?} saved objects from $file into $url$space"
echo "kibana-import: open $url$space/app/dashboards (\"MyMONIT audit\") or Discover (\"MyMONIT log search\")"
