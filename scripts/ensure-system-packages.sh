#!/usr/bin/env bash
# Checks for the Debian packages Loupe's Python sandbox needs (listed in debian-packages.txt, the
# one list, also quoted by the sandbox's own "not available" message): bubblewrap and Debian's
# python3 with PIL, numpy, matplotlib, OpenCV and SciPy, the DejaVu fonts; and those only the
# tests need (debian-test-packages.txt): PostgreSQL (the run store's tests start a private
# cluster of it) and chromium (the web viewer's browser tests); they skip without them, except
# under CI.
#
# Runs before `npm test`. It installs only when asked to, with LOUPE_INSTALL_SYSTEM_PACKAGES=1 or
# CI set (and root or passwordless sudo); otherwise it prints the command to run and carries on.
# Loupe works without the packages: the sandbox tests skip with a message saying why.
set -u
packages=()
for list in "$(dirname "$0")/debian-packages.txt" "$(dirname "$0")/debian-test-packages.txt"; do
  while IFS= read -r line; do
    line="${line%%#*}"
    line="${line//[[:space:]]/}"
    [ -n "$line" ] && packages+=("$line")
  done <"$list"
done

have_all() {
  command -v bwrap >/dev/null 2>&1 &&
    /usr/bin/python3 -c "import PIL, numpy, matplotlib, cv2, scipy" >/dev/null 2>&1 &&
    [ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] &&
    compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null &&
    [ -x /usr/bin/chromium ]
}

if have_all; then exit 0; fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "loupe: the Python sandbox needs bubblewrap and python3 with PIL, numpy, matplotlib, OpenCV and SciPy; install them with your package manager." >&2
  exit 0
fi

if [ "${LOUPE_INSTALL_SYSTEM_PACKAGES:-}" != "1" ] && [ -z "${CI:-}" ]; then
  echo "loupe: the Python sandbox, the PostgreSQL store tests and the browser tests need Debian packages (their tests skip without them). Install them with:" >&2
  echo "  sudo apt-get install -y ${packages[*]}" >&2
  echo "  (or set LOUPE_INSTALL_SYSTEM_PACKAGES=1 to let npm test install them)" >&2
  exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
  as_root=()
elif sudo -n true >/dev/null 2>&1; then
  as_root=(sudo -n)
else
  echo "loupe: installing needs root or passwordless sudo. Install the packages with:" >&2
  echo "  sudo apt-get install -y ${packages[*]}" >&2
  exit 0
fi

echo "loupe: installing Debian packages for the Python sandbox and the store tests: ${packages[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" apt-get update -qq >&2 &&
  "${as_root[@]}" apt-get install -y -qq --no-install-recommends "${packages[@]}" >&2 ||
  echo "loupe: apt-get failed; the sandbox and PostgreSQL tests will skip. Install by hand: apt-get install -y ${packages[*]}" >&2
exit 0
