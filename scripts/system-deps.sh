#!/bin/sh
# Installs the Debian packages the test suite drives: chromium (browser tests),
# docker-compose (validates deploy/docker-compose.yml) and nginx (runs
# deploy/nginx/nginx.conf in front of the services in test_entry_paths.py).
# Only as root and only when missing; otherwise says what is missing and lets the tests report it.
set -e
need=""
[ -x /usr/bin/chromium ] || need="$need chromium"
command -v docker-compose >/dev/null 2>&1 || need="$need docker-compose"
[ -x /usr/sbin/nginx ] || command -v nginx >/dev/null 2>&1 || need="$need nginx"
[ -z "$need" ] && exit 0
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing Debian packages:$need"
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $need >/dev/null
else
  echo "missing Debian packages:$need (install them with apt-get as root)" >&2
fi
