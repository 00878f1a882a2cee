#!/bin/sh
# Installs the Debian packages the test suite drives: chromium (browser tests), npm (installs
# the pinned axe-core of tests/e2e/axe/package-lock.json for the accessibility tests),
# docker-compose (validates deploy/docker-compose.yml) and nginx (runs
# deploy/nginx/nginx.conf in front of the services in test_entry_paths.py) and pgbouncer (runs
# in transaction mode in front of the test database in test_pgbouncer.py).
# Only as root and only when missing; otherwise says what is missing and lets the tests report it.
set -e
need=""
[ -x /usr/bin/chromium ] || need="$need chromium"
command -v npm >/dev/null 2>&1 || need="$need npm"
command -v docker-compose >/dev/null 2>&1 || need="$need docker-compose"
[ -x /usr/sbin/nginx ] || command -v nginx >/dev/null 2>&1 || need="$need nginx"
[ -x /usr/sbin/pgbouncer ] || command -v pgbouncer >/dev/null 2>&1 || need="$need pgbouncer"
# kubectl (its built-in kustomize renders deploy/k8s in test_k8s_manifests.py) is not in Debian
# at a usable version: install it from the Kubernetes apt repository (pkgs.k8s.io) or your cloud SDK.
command -v kubectl >/dev/null 2>&1 || command -v kustomize >/dev/null 2>&1 || \
  echo "missing kubectl (or kustomize): install it from pkgs.k8s.io; the Kubernetes manifest tests need it" >&2
[ -z "$need" ] && exit 0
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing Debian packages:$need"
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $need >/dev/null
else
  echo "missing Debian packages:$need (install them with apt-get as root)" >&2
fi
