#!/usr/bin/env bash
# Renders nginx/nginx.conf.template with the NGX_* variables of the environment, as the official nginx
# image does in docker-compose.yml; the e2e tests render through this script too. Only the NGX_* names
# are substituted, so nginx's own $variables stay. Fails, naming them, when placeholders are unset.
#
#   NGX_HTTPS_LISTEN=443 ... nginx/render.sh [TEMPLATE] > nginx.conf
set -euo pipefail

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
