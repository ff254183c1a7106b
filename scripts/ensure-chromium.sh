#!/usr/bin/env bash
# The browser tests drive Debian's chromium (/usr/bin/chromium) through Playwright; Playwright's own
# browser download is never used. Install it when missing and we may (root with apt-get); otherwise the
# browser tests skip and say so.
set -u
if [ -x /usr/bin/chromium ]; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "chromium missing: installing Debian's chromium with apt-get"
  (apt-get -o DPkg::Lock::Timeout=600 update -qq \
    && DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq \
       --no-install-recommends chromium fonts-dejavu-core >/dev/null) \
    || echo "could not install chromium: the browser tests will be skipped"
else
  echo "chromium missing and not root: the browser tests will be skipped"
fi
exit 0
