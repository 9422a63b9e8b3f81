#!/usr/bin/env bash
# Print the path of a working Python X.Y interpreter: plain on PATH, else via pyenv.
# Usage: scripts/find_python.sh 3.10
set -u
want="$1"
check() { [ -n "$1" ] && "$1" -c "import sys; sys.exit(0 if '%d.%d' % sys.version_info[:2] == '$want' else 1)" >/dev/null 2>&1; }
if check "$(command -v "python$want" 2>/dev/null)"; then command -v "python$want"; exit 0; fi
if command -v pyenv >/dev/null 2>&1; then
  for v in $(pyenv versions --bare 2>/dev/null | grep -E "^${want//./\\.}(\.[0-9]+)?$" | sort -t. -k3 -n -r); do
    p="$(pyenv prefix "$v" 2>/dev/null)/bin/python$want"
    if check "$p"; then echo "$p"; exit 0; fi
  done
fi
for p in /usr/bin/python$want /usr/local/bin/python$want; do
  if check "$p"; then echo "$p"; exit 0; fi
done
echo "Python $want was not found. Install it (e.g. 'pyenv install $want' or 'apt-get install python$want python$want-venv') and try again." >&2
exit 1
