#!/usr/bin/env bash
set -euo pipefail

usage() {
  cat <<'USAGE'
Usage: scripts/gen-certs.sh [DIR]

Development certificates: a self-signed CA and a server certificate signed by it, for nginx (HTTPS and
Kibana), RabbitMQ (AMQPS 5671) and the e2e tests. Production uses certificates from a real CA
(docs/deployment.md, "TLS").

Writes DIR/ca.pem (trust this one), DIR/ca.key, DIR/server.pem, DIR/server.key; DIR defaults to ./certs
(git-ignored). Existing files are replaced. Environment:
  EXTRA_SANS  more subjectAltNames, e.g. "DNS:monit.example.org,IP:10.0.0.5"
  CERT_DAYS   validity of the server certificate (default 397, what browsers accept)
USAGE
}
case "${1:-}" in
  -h | --help) usage; exit 0 ;;
  -*) echo "gen-certs: unknown option $1" >&2; usage >&2; exit 2 ;;
esac
[ $# -le 1 ] || { usage >&2; exit 2; }

dir="${1:-./certs}"
days="${CERT_DAYS:-397}"
sans="DNS:localhost,DNS:mymonit,DNS:nginx,DNS:rabbitmq,IP:127.0.0.1,IP:::1${EXTRA_SANS:+,$EXTRA_SANS}"

command -v openssl >/dev/null || { echo "gen-certs: openssl is missing (apt-get install -y openssl)" >&2; exit 1; }
mkdir -p "$dir"
umask 077
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

openssl req -x509 -new -newkey rsa:3072 -nodes -sha256 -days 3650 \
  -keyout "$dir/ca.key" -out "$dir/ca.pem" -subj "/O=MyMONIT development/CN=MyMONIT development CA" \
  -addext "basicConstraints=critical,CA:TRUE,pathlen:0" -addext "keyUsage=critical,keyCertSign,cRLSign" \
  2>/dev/null

openssl req -new -newkey rsa:2048 -nodes -sha256 \
  -keyout "$dir/server.key" -out "$work/server.csr" -subj "/O=MyMONIT development/CN=localhost" 2>/dev/null

cat >"$work/server.ext" <<EXT
basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth
subjectAltName=$sans
EXT
openssl x509 -req -sha256 -days "$days" -in "$work/server.csr" -CA "$dir/ca.pem" -CAkey "$dir/ca.key" \
  -CAcreateserial -CAserial "$work/ca.srl" -extfile "$work/server.ext" -out "$dir/server.pem" 2>/dev/null

# Certificates are public; keys stay 0600 (containers that drop privileges copy the key at start-up).
chmod 0644 "$dir/ca.pem" "$dir/server.pem"
chmod 0600 "$dir/ca.key" "$dir/server.key"
echo "gen-certs: wrote $dir/{ca.pem,ca.key,server.pem,server.key} (SANs: $sans)"
