# Shared setup, sourced by scripts/run and scripts/test (not run on its own).
# Installs missing Debian packages, makes .venv and pip-installs the project into it, compiles
# the translation catalogues,
# and leaves the shell in the repository root.

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

die() {
    echo "setup: $*" >&2
    exit 1
}

# Print those of the given Debian packages that are not installed yet. Commands are checked
# rather than packages where a binary is what we need (it may come from elsewhere).
missing_packages() {
    local pkg
    for pkg in "$@"; do
        case $pkg in
            graphviz) command -v dot >/dev/null || echo graphviz ;;
            # Ubuntu's chromium package only installs a snap: see playwright_chromium below.
            chromium) [ -x /usr/bin/chromium ] || is_ubuntu || echo chromium ;;
            poppler-utils) command -v pdftoppm >/dev/null || echo poppler-utils ;;
            *) dpkg -s "$pkg" >/dev/null 2>&1 || echo "$pkg" ;;
        esac
    done
}

# apt-get install the given packages, running `apt-get update` once per run at most.
APT_UPDATED=
apt_install() {
    [ $# -gt 0 ] || return 0
    command -v apt-get >/dev/null || die "missing: $*; this is not a Debian/Ubuntu system, install them by hand."
    local sudo=()
    if [ "$(id -u)" -ne 0 ]; then
        command -v sudo >/dev/null || die "missing: $*; run as root: apt-get install $*"
        sudo=(sudo)
    fi
    echo "setup: installing Debian packages: $*"
    if [ -z "$APT_UPDATED" ]; then
        "${sudo[@]}" apt-get update || die "apt-get update failed."
        APT_UPDATED=1
    fi
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$@" \
        || die "could not install: $*"
}

is_ubuntu() {  # Ubuntu or a system built on it (ID_LIKE names it)
    # shellcheck disable=SC1091
    ( . /etc/os-release 2>/dev/null && [[ " ${ID:-} ${ID_LIKE:-} " == *" ubuntu "* ]] )
}

python_ok() {  # is "$1" a Python >= 3.11?
    "$1" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null
}

# The first Python >= 3.11 on the PATH. Ubuntu 22.04's python3 is 3.10, but its python3.11
# package is one apt-get away, so that is installed when nothing new enough is found.
find_python() {
    local candidate
    for candidate in python3 python3.13 python3.12 python3.11; do
        if command -v "$candidate" >/dev/null && python_ok "$candidate"; then
            echo "$candidate"
            return 0
        fi
    done
    apt_install python3.11 >&2
    python_ok python3.11 || die "journeymap needs Python 3.11 or newer; install it, then run this again."
    echo python3.11
}

make_venv() {
    local python
    python=$(find_python)
    # Debian and Ubuntu ship venv without ensurepip unless python3-venv (python3.X-venv) is installed.
    if ! "$python" -m venv .venv; then
        rm -rf .venv
        if [ "$python" = python3 ]; then apt_install python3-venv; else apt_install "$python-venv"; fi
        "$python" -m venv .venv || die "$python -m venv failed even with its venv package installed."
    fi
}

# Browser tests drive Debian's chromium package. Ubuntu's only installs a snap, which Playwright
# cannot drive (and snaps do not run in containers): there Playwright's own build of Chromium is
# downloaded, with the libraries it needs (`--with-deps` uses apt, through sudo when not root).
playwright_chromium() {
    [ -x /usr/bin/chromium ] && return 0
    is_ubuntu || return 0
    # Always asked: it does nothing when this Playwright's Chromium is there, and fetches it after
    # an upgrade. The system libraries (apt, sudo) only once, the first time.
    local stamp=.venv/.playwright-deps
    local deps=()
    [ -e "$stamp" ] || deps=(--with-deps)
    .venv/bin/python -m playwright install "${deps[@]}" chromium || die "playwright install chromium failed."
    touch "$stamp"
}

# setup PKG...: install the missing Debian packages PKG..., then the virtualenv.
setup() {
    # Word splitting is wanted: one package name per line.
    # shellcheck disable=SC2046
    apt_install $(missing_packages "$@")

    # Reuse .venv unless it is broken or too old (e.g. Python was upgraded underneath it).
    if ! python_ok .venv/bin/python; then
        rm -rf .venv
        make_venv
    fi

    # Re-install only when pyproject.toml changes; the stamp is named after its hash.
    local stamp
    stamp=.venv/.installed-$(sha256sum pyproject.toml | cut -d' ' -f1)
    if [ ! -e "$stamp" ]; then
        .venv/bin/python -m pip install --quiet -e ".[test]"
        rm -f .venv/.installed-*
        touch "$stamp"
    fi

    # The translations the app reads: .mo files compiled from the committed .po catalogues (the
    # .mo files are not committed). Quick, so done every time: a pulled catalogue is never stale.
    scripts/translations compile >/dev/null || die "could not compile the translations (scripts/translations)."
}
