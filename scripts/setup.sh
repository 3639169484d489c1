# Shared setup, sourced by scripts/run and scripts/test (not run on its own).
# Installs missing Debian packages, makes .venv and pip-installs the project into it,
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
            chromium) command -v chromium >/dev/null || [ -x /usr/bin/chromium ] || echo chromium ;;
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

python_ok() {  # is "$1" a Python >= 3.11?
    "$1" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null
}

make_venv() {
    command -v python3 >/dev/null || die "python3 not found; journeymap needs Python 3.11 or newer."
    python_ok python3 || die "python3 is $(python3 -V 2>&1 | cut -d' ' -f2); journeymap needs 3.11 or newer."
    # Debian ships venv without ensurepip unless python3-venv is installed.
    if ! python3 -m venv .venv; then
        rm -rf .venv
        apt_install python3-venv
        python3 -m venv .venv || die "python3 -m venv failed even with python3-venv installed."
    fi
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
}
