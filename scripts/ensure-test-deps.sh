#!/usr/bin/env bash
# ensure-test-deps.sh - install the system tools the test suite drives, when missing.
#
# `npm test` runs this before the tests so that the same command passes on a fresh
# machine (SPEC §1). Every tool comes from Debian's packages; nothing is downloaded
# by hand. Idempotent and quick: when every tool is present it only runs `command -v`.
#
#   chromium          /usr/bin/chromium for the browser tests
#   nginx-light       `nginx -t` and the reverse-proxy end-to-end test
#   prometheus        promtool, which checks the /metrics exposition
#   ShellCheck        lint of every shell script (package shellcheck)
#   docker-compose    `docker-compose config` on the compose files (no engine needed)
#   systemd           systemd-analyze verify on the unit
#   podman, buildah…  only when the container image test will run (root, and
#                     DASHPORT_SKIP_CONTAINER_TEST unset): it builds deploy/Dockerfile
#
# kubectl (for `kubectl kustomize`) is not in Debian's archive; the machine image ships
# it, and the Kubernetes test says so clearly when it is absent.
#
# Env: DASHPORT_SKIP_CONTAINER_TEST=1  do not install the container engine
#      DASHPORT_SKIP_TEST_DEPS=1       do nothing (for machines managed another way)
set -euo pipefail

if [ "${DASHPORT_SKIP_TEST_DEPS:-}" = 1 ]; then
  exit 0
fi

missing=()
# need COMMAND PACKAGE... : queue the packages when the command is not on PATH.
need() {
  local cmd=$1
  shift
  if ! command -v "$cmd" >/dev/null 2>&1 && [ ! -x "/usr/sbin/$cmd" ] && [ ! -x "/usr/bin/$cmd" ]; then
    missing+=("$@")
  fi
}

need chromium chromium
need nginx nginx-light
need promtool prometheus
need shellcheck shellcheck
need docker-compose docker-compose
need systemd-analyze systemd

if [ "$(id -u)" = 0 ] && [ -z "${DASHPORT_SKIP_CONTAINER_TEST:-}" ]; then
  # The same set ../shared/containers/container-smoke.sh installs, so that it finds them.
  need podman podman crun fuse-overlayfs slirp4netns uidmap
  need buildah buildah
  need runc runc
  need debootstrap debootstrap
  need curl curl
  need bc bc
fi

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

# De-duplicate while keeping the order.
mapfile -t packages < <(printf '%s\n' "${missing[@]}" | awk '!seen[$0]++')
echo "ensure-test-deps: installing from Debian's packages: ${packages[*]}" >&2

sudo_cmd=()
if [ "$(id -u)" != 0 ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    sudo_cmd=(sudo -n)
  else
    echo "ensure-test-deps: missing tools and not root (no passwordless sudo)." >&2
    echo "  run as root: apt-get update && apt-get install --no-install-recommends ${packages[*]}" >&2
    exit 1
  fi
fi

# Package scripts would start nginx and prometheus as daemons (ports 80 and 9090); the tests
# start their own instances, so forbid service starts for this install only (policy-rc.d,
# as container images do), and remove the policy again afterwards.
policy=/usr/sbin/policy-rc.d
if [ ! -e "$policy" ]; then
  trap '"${sudo_cmd[@]}" rm -f "$policy"' EXIT
  printf '#!/bin/sh\nexit 101\n' | "${sudo_cmd[@]}" tee "$policy" >/dev/null
  "${sudo_cmd[@]}" chmod 0755 "$policy"
fi

apt_opts=(-o DPkg::Lock::Timeout=600 -q)
"${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get "${apt_opts[@]}" update >/dev/null
# --no-install-recommends: docker-compose would pull in docker.io and containerd, and
# prometheus a node exporter daemon; the tests need neither.
"${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get "${apt_opts[@]}" install -y \
  --no-install-recommends "${packages[@]}" >/dev/null
echo "ensure-test-deps: installed ${packages[*]}" >&2
