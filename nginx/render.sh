#!/usr/bin/env bash
set -euo pipefail

usage() {
  cat <<'USAGE'
Usage: NGX_HTTPS_LISTEN=443 ... nginx/render.sh [TEMPLATE] > nginx.conf

Renders nginx/nginx.conf.template (or TEMPLATE) with the NGX_* variables of the environment, as the
official nginx image does in docker-compose.yml; the e2e tests render through this script too. Only the
NGX_* names are substituted, so nginx's own $variables stay. Fails, naming them, when placeholders are
unset.
USAGE
}
case "${1:-}" in
  -h | --help) usage; exit 0 ;;
  -*) echo "render: unknown option $1" >&2; usage >&2; exit 2 ;;
esac
[ $# -le 1 ] || { usage >&2; exit 2; }

template="${1:-$(dirname "$0")/nginx.conf.template}"
command -v envsubst >/dev/null || { echo "render: envsubst is missing (apt-get install -y gettext-base)" >&2; exit 1; }

names="$(grep -o '\${NGX_[A-Z0-9_]*}' "$template" | sort -u | tr -d '${}')"
missing=""
for name in $names; do
  [ -n "${!name+set}" ] || missing="$missing $name"
done
if [ -n "$missing" ]; then
  echo "render: unset placeholders in $template:$missing" >&2
  exit 1
fi
envsubst "$(printf '${%s} ' $names)" <"$template"
