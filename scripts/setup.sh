#!/usr/bin/env bash
# Installs everything backcoach needs into .venv (and, as root, the Debian packages), builds
# the browser's pose model from the mediapipe wheel, then the pinned front-end libraries from npm. Safe to run again: it skips what is there.
set -euo pipefail
cd "$(dirname "$0")/.."

need_browser=${BACKCOACH_SETUP_BROWSER:-1}
missing=()

pick_python() {
  for cand in "${PYTHON:-}" python3.11 python3.12 python3.10 python3; do
    [ -n "$cand" ] || continue
    if command -v "$cand" >/dev/null 2>&1 &&
       "$cand" -c 'import sys; sys.exit(0 if (3, 10) <= sys.version_info[:2] <= (3, 12) else 1)' 2>/dev/null; then
      echo "$cand"; return 0
    fi
  done
  return 1
}

# pango draws the PDF reports (WeasyPrint); poppler-utils reads them back in the tests.
apt_packages=(ffmpeg espeak-ng libpango-1.0-0 libpangoft2-1.0-0 poppler-utils)
[ "$need_browser" = 1 ] && apt_packages+=(chromium)
absent=()
for pkg in "${apt_packages[@]}"; do
  case $pkg in
    chromium) command -v chromium >/dev/null 2>&1 || absent+=("$pkg") ;;
    poppler-utils) command -v pdftotext >/dev/null 2>&1 || absent+=("$pkg") ;;
    lib*) dpkg -s "$pkg" >/dev/null 2>&1 || absent+=("$pkg") ;;
    *) command -v "$pkg" >/dev/null 2>&1 || absent+=("$pkg") ;;
  esac
done
if [ ${#absent[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "setup: installing Debian packages: ${absent[*]}"
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${absent[@]}" >/dev/null
  else
    missing+=("${absent[*]} (install with: sudo apt-get install ${absent[*]})")
  fi
fi

if [ ! -x .venv/bin/python ]; then
  py=$(pick_python) || { echo "setup: backcoach needs Python 3.10-3.12 (MediaPipe 0.10.21 has no wheel for others); none found" >&2; exit 1; }
  echo "setup: creating .venv with $py"
  "$py" -m venv .venv
fi

stamp=.venv/.installed
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  echo "setup: installing backcoach and its Python dependencies into .venv"
  .venv/bin/python -m pip install -q --upgrade pip >/dev/null
  .venv/bin/python -m pip install -q -e '.[dev]'
  touch "$stamp"
fi

# The browser's pose model, built from the models inside the mediapipe wheel (never downloaded,
# never committed): served by the web app at /models/.
model=build/models/pose_landmarker_full.task
if [ ! -f "$model" ] || [ "$stamp" -nt "$model" ]; then
  echo "setup: building the browser pose model ($model)"
  .venv/bin/python -m backcoach.pose.task_model "$model" >/dev/null
fi

if [ -f package.json ]; then
  if ! command -v npm >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
      apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null
    else
      missing+=("npm (for the web app's chart and drawing libraries: sudo apt-get install npm)")
    fi
  fi
  if command -v npm >/dev/null 2>&1 && { [ ! -d node_modules ] || [ package-lock.json -nt node_modules ]; }; then
    echo "setup: installing pinned front-end libraries (npm ci)"
    npm ci --no-audit --no-fund --loglevel=error >/dev/null
    touch node_modules
  fi
fi

if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: missing, and not installable without root:" >&2
  for m in "${missing[@]}"; do echo "  - $m" >&2; done
  exit 1
fi
