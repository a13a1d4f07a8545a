#!/usr/bin/env bash
# manage.sh - build, run and inspect the Dashport Compose stack (deploy/docker-compose.yml).
# Works with `docker compose` (v2), `docker-compose` (1.29) and podman (`podman compose`
# or podman-compose). Run `deploy/manage.sh --help` for the commands.
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$SCRIPT_DIR/.." && pwd)
COMPOSE_FILE=$SCRIPT_DIR/docker-compose.yml
DEV_COMPOSE_FILE=$SCRIPT_DIR/docker-compose.dev.yml
PROJECT=${DASHPORT_PROJECT:-dashport}
ENV_FILE=${DASHPORT_ENV_FILE:-$REPO_ROOT/.env}
START_TIMEOUT_S=${DASHPORT_START_TIMEOUT:-180}

# Colour only when a person reads the output (a TTY), and never with NO_COLOR set.
if [ -t 2 ] && [ -z "${NO_COLOR:-}" ]; then
  RED=$'\033[31m' GREEN=$'\033[32m' YELLOW=$'\033[33m' BOLD=$'\033[1m' RESET=$'\033[0m'
else
  RED='' GREEN='' YELLOW='' BOLD='' RESET=''
fi

usage() {
  cat <<EOF
Usage: deploy/manage.sh [--proxy] [--yes] COMMAND [ARGS...]

Commands:
  build            build the dashport image (deploy/Dockerfile)
  start            start dashport, PostgreSQL and Redis (and nginx with --proxy), wait until healthy
  stop             stop and remove the containers; volumes (cache, database) are kept
  restart          recreate the containers (new image or settings)
  reload           rolling restart of the workers (SIGHUP), no failed request
  logs [SERVICE]   follow the logs (default: dashport)
  status           containers and the server's /health as a table
  dev              \`dashport dev\` with the source mounted and live reload (foreground)
  db-shell         psql in the PostgreSQL container
  cleanup          remove containers, volumes and locally built images (asks first; --yes skips)

Options:
  --proxy          include the nginx reverse proxy (Compose profile "proxy", port \${NGINX_PORT:-80})
  --yes            do not ask before destructive steps (cleanup)
  -h, --help       this help

Environment:
  COMPOSE                  compose command to use, e.g. "podman-compose" (default: detected)
  DASHPORT_ENV_FILE        settings passed to compose (default: $REPO_ROOT/.env, when present)
  DASHPORT_PROJECT         compose project name (default: dashport)
  DASHPORT_START_TIMEOUT   seconds \`start\` waits for healthy (default: 180)
  NO_COLOR                 disable colours
EOF
}

info() { printf '%s==>%s %s\n' "$BOLD" "$RESET" "$*" >&2; }
ok() { printf '%sok:%s %s\n' "$GREEN" "$RESET" "$*" >&2; }
warn() { printf '%swarning:%s %s\n' "$YELLOW" "$RESET" "$*" >&2; }
# die MESSAGE [EXIT_CODE]: 1 runtime failure (default), 2 usage error.
die() {
  printf '%serror:%s %s\n' "$RED" "$RESET" "$1" >&2
  exit "${2:-1}"
}

COMPOSE_CMD=()
detect_compose() {
  if [ -n "${COMPOSE:-}" ]; then
    read -r -a COMPOSE_CMD <<<"$COMPOSE"
    command -v "${COMPOSE_CMD[0]}" >/dev/null 2>&1 || die "COMPOSE=\"$COMPOSE\": ${COMPOSE_CMD[0]} is not installed"
  elif command -v docker >/dev/null 2>&1 && docker compose version >/dev/null 2>&1; then
    COMPOSE_CMD=(docker compose)
  elif command -v docker-compose >/dev/null 2>&1; then
    COMPOSE_CMD=(docker-compose)
  elif command -v podman >/dev/null 2>&1 && podman compose version >/dev/null 2>&1; then
    COMPOSE_CMD=(podman compose)
  elif command -v podman-compose >/dev/null 2>&1; then
    COMPOSE_CMD=(podman-compose)
  else
    die "no compose tool found: install Docker with the compose plugin, docker-compose or podman-compose, or set COMPOSE=\"...\""
  fi
}

# The engine behind a Docker-style compose must answer before anything else is tried,
# so that a stopped daemon reads as one clear line instead of a stack trace.
check_engine() {
  case "${COMPOSE_CMD[0]}" in
    docker | docker-compose)
      if command -v docker >/dev/null 2>&1 && ! docker info >/dev/null 2>&1; then
        die "the container engine is not reachable (DOCKER_HOST=${DOCKER_HOST:-unix:///var/run/docker.sock}): start Docker, or point DOCKER_HOST at podman's socket"
      fi
      ;;
    podman | podman-compose)
      podman info >/dev/null 2>&1 || die "podman does not answer (podman info failed): check your podman setup"
      ;;
  esac
}

PROFILE_ARGS=()
ASSUME_YES=0

compose_with() { # compose_with FILE ARGS...: compose on one file with the project's settings
  local file=$1
  shift
  local env_args=()
  if [ -f "$ENV_FILE" ]; then
    env_args=(--env-file "$ENV_FILE")
  fi
  "${COMPOSE_CMD[@]}" -p "$PROJECT" "${env_args[@]}" -f "$file" "${PROFILE_ARGS[@]}" "$@"
}
compose() { compose_with "$COMPOSE_FILE" "$@"; }

is_running() { # is_running SERVICE
  [ -n "$(compose ps -q "$1" 2>/dev/null)" ]
}

wait_healthy() {
  local deadline=$((SECONDS + START_TIMEOUT_S))
  info "waiting up to ${START_TIMEOUT_S}s for dashport to report healthy"
  while [ "$SECONDS" -lt "$deadline" ]; do
    if compose exec -T dashport node dist/src/main.js healthcheck --retries 1 >/dev/null 2>&1; then
      ok "dashport is healthy on http://${DASHPORT_BIND:-127.0.0.1}:${DASHPORT_PORT:-8050}"
      return 0
    fi
    sleep 3
  done
  compose logs --tail=50 dashport >&2 || true
  die "dashport was not healthy after ${START_TIMEOUT_S}s (logs above; 'deploy/manage.sh status' shows the checks)"
}

confirm() { # confirm QUESTION: yes with --yes, asks on a TTY, refuses otherwise
  [ "$ASSUME_YES" = 1 ] && return 0
  [ -t 0 ] || die "$1 needs confirmation: run with --yes" 2
  local answer
  read -r -p "$1 [y/N] " answer
  [ "$answer" = y ] || [ "$answer" = Y ] || [ "$answer" = yes ]
}

cmd_build() { compose build "$@"; }

cmd_start() {
  [ -f "$ENV_FILE" ] || warn "no $ENV_FILE: using the defaults (copy .env.example to .env to change them)"
  info "starting ${PROFILE_ARGS[*]:+(${PROFILE_ARGS[*]}) }project $PROJECT"
  compose up -d "$@"
  wait_healthy
}

cmd_stop() {
  # Every profile, so that a proxy started with --proxy stops too.
  PROFILE_ARGS=(--profile proxy)
  compose down --remove-orphans "$@"
}

cmd_restart() {
  compose up -d --force-recreate "$@"
  wait_healthy
}

cmd_reload() {
  is_running dashport || die "dashport is not running: start it with 'deploy/manage.sh start'"
  compose kill -s SIGHUP dashport
  ok "SIGHUP sent: workers are replaced one by one"
}

cmd_logs() {
  if [ $# -eq 0 ]; then
    set -- dashport
  fi
  compose logs -f --tail=200 "$@"
}

cmd_status() {
  compose ps
  if is_running dashport; then
    compose exec -T dashport node dist/src/main.js status
  else
    warn "dashport is not running"
    return 1
  fi
}

cmd_dev() {
  compose_with "$DEV_COMPOSE_FILE" up --build --renew-anon-volumes "$@"
}

cmd_db_shell() {
  is_running postgres || die "postgres is not running: start the stack with 'deploy/manage.sh start'"
  # The container's own POSTGRES_USER/POSTGRES_DB (expanded inside it, hence the single
  # quotes), so that .env overrides are honoured.
  # shellcheck disable=SC2016
  compose exec postgres sh -c 'exec psql -U "$POSTGRES_USER" -d "$POSTGRES_DB"'
}

cmd_cleanup() {
  confirm "Remove the $PROJECT containers, volumes (cache, database, Redis) and local images?" \
    || die "cancelled"
  PROFILE_ARGS=(--profile proxy)
  compose down --volumes --remove-orphans --rmi local
  compose_with "$DEV_COMPOSE_FILE" down --volumes --remove-orphans --rmi local
  ok "removed"
}

main() {
  local command=
  while [ $# -gt 0 ]; do
    case "$1" in
      -h | --help | help)
        usage
        exit 0
        ;;
      --proxy)
        PROFILE_ARGS=(--profile proxy)
        shift
        ;;
      --yes | -y)
        ASSUME_YES=1
        shift
        ;;
      -*)
        die "unknown option $1 (accepted: --proxy, --yes, --help)" 2
        ;;
      *)
        command=$1
        shift
        break
        ;;
    esac
  done
  if [ -z "$command" ]; then
    usage >&2
    die "no command given" 2
  fi
  case "$command" in
    build | start | stop | restart | reload | logs | status | dev | db-shell | cleanup) ;;
    *) die "unknown command \"$command\" (accepted: build, start, stop, restart, reload, logs, status, dev, db-shell, cleanup)" 2 ;;
  esac
  detect_compose
  check_engine
  case "$command" in
    build) cmd_build "$@" ;;
    start) cmd_start "$@" ;;
    stop) cmd_stop "$@" ;;
    restart) cmd_restart "$@" ;;
    reload) cmd_reload "$@" ;;
    logs) cmd_logs "$@" ;;
    status) cmd_status "$@" ;;
    dev) cmd_dev "$@" ;;
    db-shell) cmd_db_shell "$@" ;;
    cleanup) cmd_cleanup "$@" ;;
  esac
}

main "$@"
