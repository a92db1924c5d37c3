#!/usr/bin/env bash
# Install the Debian packages aiopp needs to build, test and benchmark.
# Idempotent: installs only what is missing, and prints the apt-get line it runs.
set -euo pipefail

packages=(
  build-essential cmake pkg-config git
  libgtest-dev libgmock-dev googletest libbenchmark-dev
  liburing-dev
  libfuse3-dev fuse3
  libpcre2-dev
  libev-dev libuv1-dev libasio-dev
  perl libio-aio-perl libev-perl libanyevent-perl
  fd-find bfs gnuplot-nox
  attr libattr1-dev strace
)

missing=()
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$p")
done

if [[ ${#missing[@]} -eq 0 ]]; then
  echo "deps: all ${#packages[@]} packages present"
  exit 0
fi

if [[ $(id -u) -ne 0 ]]; then
  sudo_cmd=""
  if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
    sudo_cmd="sudo"
  else
    echo "deps: missing Debian packages: ${missing[*]}" >&2
    echo "deps: not root and no password-less sudo; install them with:" >&2
    echo "  sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
else
  sudo_cmd=""
fi

# A fresh machine may have no package lists yet.
if [[ -z "$(ls -A /var/lib/apt/lists 2>/dev/null | grep -v -e lock -e partial)" ]]; then
  echo "+ ${sudo_cmd:+$sudo_cmd }apt-get update"
  $sudo_cmd apt-get update -qq
fi
echo "+ ${sudo_cmd:+$sudo_cmd }apt-get install -y --no-install-recommends ${missing[*]}"
DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}" ||
  { echo "+ apt-get update (retry after a failed install)"; $sudo_cmd apt-get update -qq;
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}"; }
