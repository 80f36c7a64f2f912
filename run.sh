#!/usr/bin/env bash
# One entry point for a fresh Debian machine (run as root, or with sudo available):
#   ./run.sh demo   set up, then run the kiosk's main job on embedded defaults
#   ./run.sh test   set up, then run the whole test suite (what CI runs)
#   ./run.sh setup  only set up
# Everything the project needs is installed here: Debian packages and a virtual environment.
set -euo pipefail
cd "$(dirname "$0")"
HERE=$PWD
VENV=${KIOSK_VENV:-$HERE/.venv}

# Debian packages: zbar for pyzbar, PulseAudio client for the Qt Virtual Keyboard plugin,
# a CJK TrueType font for receipts/PDFs/UI, the libraries Qt's offscreen platform loads,
# chromium for the staff-page browser tests, CUPS with a PDF printer for A4 print tests,
# PostgreSQL for the back-office tests on the district server's database (tests/pgserver.py).
SYSTEM_PACKAGES=(
    python3-venv libzbar0 libpulse0 fonts-wqy-zenhei
    libgl1 libegl1 libxkbcommon0 libfontconfig1 libdbus-1-3 libglib2.0-0
    gcc linux-libc-dev libusb-1.0-0 shellcheck
    cups cups-client cups-bsd printer-driver-cups-pdf
    chromium
    postgresql
)

install_system_packages() {
    local missing=()
    for p in "${SYSTEM_PACKAGES[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    echo "run.sh: installing Debian packages: ${missing[*]}" >&2
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

install_python() {
    local py=${PYTHON:-python3}
    if [ ! -x "$VENV/bin/python" ]; then
        "$py" -m venv "$VENV"
    fi
    local stamp="$VENV/.installed"
    if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
        "$VENV/bin/python" -m pip install -q --upgrade pip
        "$VENV/bin/python" -m pip install -q -e ".[dev]"
        touch "$stamp"
    fi
}

setup() {
    install_system_packages
    install_python
    # Qt Linguist .ts → .qm (build outputs, not committed)
    "$VENV/bin/python" -m kiosk.ui.i18n build
    # byte-code, as pip compiles a terminal's (non-editable) install: the editable install is
    # not compiled, and where PYTHONDONTWRITEBYTECODE is set every start would compile ~100
    # modules again (~0.3 s of the cold start); incremental, so cheap when nothing changed
    "$VENV/bin/python" -m compileall -q -j 0 kiosk
}

cmd=${1:-demo}
shift || true
case "$cmd" in
    setup) setup ;;
    demo)
        setup
        exec "$VENV/bin/kiosk" demo "$@"
        ;;
    test)
        setup
        export QT_QPA_PLATFORM=offscreen QT_QUICK_BACKEND=software
        # the PostgreSQL cases must run here, never skip (tests/pgserver.py)
        export KIOSK_REQUIRE_POSTGRES=1
        "$VENV/bin/ruff" check kiosk tests bench
        "$VENV/bin/mypy"
        exec "$VENV/bin/python" -m pytest "$@"
        ;;
    *)
        echo "usage: ./run.sh [demo|test|setup] [args...]" >&2
        exit 2
        ;;
esac
