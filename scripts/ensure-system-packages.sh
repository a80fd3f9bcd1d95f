#!/usr/bin/env bash
# Installs the Debian packages Loupe's Python sandbox needs, when they are missing:
# bubblewrap (the sandbox) and Debian's python3 with PIL, numpy, matplotlib, OpenCV and SciPy.
# Runs before `npm test` and from .ci/run. Without root (or passwordless sudo) it only prints the
# command to run; Loupe still works, and the sandbox tests skip with a message saying why.
set -u
packages=(bubblewrap python3 python3-pil python3-numpy python3-matplotlib python3-opencv python3-scipy fonts-dejavu-core)

have_all() {
  command -v bwrap >/dev/null 2>&1 &&
    /usr/bin/python3 -c "import PIL, numpy, matplotlib, cv2, scipy" >/dev/null 2>&1 &&
    [ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ]
}

if have_all; then exit 0; fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "loupe: the Python sandbox needs bubblewrap and python3 with PIL, numpy, matplotlib, OpenCV and SciPy; install them with your package manager." >&2
  exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
  as_root=()
elif sudo -n true >/dev/null 2>&1; then
  as_root=(sudo -n)
else
  echo "loupe: the Python sandbox needs Debian packages. Install them with:" >&2
  echo "  sudo apt-get install -y ${packages[*]}" >&2
  exit 0
fi

echo "loupe: installing Debian packages for the Python sandbox: ${packages[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" apt-get update -qq >&2 &&
  "${as_root[@]}" apt-get install -y -qq --no-install-recommends "${packages[@]}" >&2 ||
  echo "loupe: apt-get failed; the sandbox tests will skip. Install by hand: apt-get install -y ${packages[*]}" >&2
exit 0
