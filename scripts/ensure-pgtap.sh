#!/usr/bin/env bash
# Make sure pgTAP is installed for the local PostgreSQL major version (Debian package
# postgresql-<major>-pgtap). Installs it with apt-get when missing; never downloads anything else.
set -euo pipefail

major=""
# Prefer the major version of the server that answers on the test address.
if command -v psql >/dev/null 2>&1; then
    num=$(psql "${TXDB_TEST_DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/postgres}" -XAtqc 'SHOW server_version_num' 2>/dev/null || true)
    if [ -n "$num" ]; then
        major=$((num / 10000))
    fi
fi
if [ -z "$major" ] && command -v pg_config >/dev/null 2>&1; then
    major=$(pg_config --version | sed -E 's/^PostgreSQL ([0-9]+).*/\1/')
fi
if [ -z "$major" ]; then
    major=$(ls /usr/lib/postgresql 2>/dev/null | sort -n | tail -n 1 || true)
fi
if [ -z "$major" ]; then
    echo "ensure-pgtap: no PostgreSQL installation found (looked for pg_config and /usr/lib/postgresql)" >&2
    exit 2
fi

control="/usr/share/postgresql/${major}/extension/pgtap.control"
if [ -f "$control" ]; then
    echo "ensure-pgtap: pgTAP present for PostgreSQL ${major}"
    exit 0
fi

package="postgresql-${major}-pgtap"
echo "ensure-pgtap: installing ${package}"
sudo=""
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then
        sudo="sudo"
    else
        echo "ensure-pgtap: ${package} is missing and this user cannot install packages; run: apt-get install -y ${package}" >&2
        exit 2
    fi
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq "$package" >/dev/null
test -f "$control"
echo "ensure-pgtap: installed ${package}"
