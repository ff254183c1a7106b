#!/usr/bin/env bash
# PostgreSQL tests start a throwaway cluster with the machine's initdb/pg_ctl. Install them when
# missing and we may (root with apt-get); otherwise the PostgreSQL tests skip and say so.
set -u
if ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "PostgreSQL server binaries missing: installing them with apt-get"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null) \
    || echo "could not install PostgreSQL: its tests will be skipped"
else
  echo "PostgreSQL server binaries missing and not root: PostgreSQL tests will be skipped"
fi
exit 0
