# Sourced by scripts/test and scripts/develop: pick a Python, create the virtualenv once and keep
# its packages in step with requirements_test.txt.
#   VENV    the virtualenv folder (default: .venv)
#   PYTHON  the interpreter for a new virtualenv (default: Python 3.14 where available, else 3.13)

pick_python() {
  if [ -n "${PYTHON:-}" ]; then echo "$PYTHON"; return; fi
  if command -v python3.14 >/dev/null 2>&1; then command -v python3.14; return; fi
  # This workplace keeps a Python 3.14 installer beside the checkout.
  if [ -x ../shared/tools/python3.14 ] && ../shared/tools/python3.14 >/dev/null 2>&1; then
    ../shared/tools/python3.14; return
  fi
  if PYENV_VERSION=3.13.0 python3.13 --version >/dev/null 2>&1; then
    echo "env PYENV_VERSION=3.13.0 python3.13"; return
  fi
  command -v python3.13 || { echo "scripts: Python 3.13 or 3.14 is required" >&2; exit 1; }
}

ensure_venv() {
  VENV=${VENV:-.venv}
  if [ ! -x "$VENV/bin/python" ]; then
    local py
    py=$(pick_python)
    echo "Creating $VENV with $($py --version 2>&1)" >&2
    $py -m venv "$VENV"
  fi
  # Reinstall only when a requirements file changed (pip is slow even when nothing is to do).
  local stamp="$VENV/.requirements.sha" want
  want=$(cat requirements_test.txt "$@" 2>/dev/null | sha256sum | cut -d' ' -f1)
  if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -r requirements_test.txt "${@/#/-r}"
    echo "$want" > "$stamp"
  fi
}
