#!/usr/bin/env bash
# Runs the web sample as two instances of one app, on http://127.0.0.1:5080 and http://127.0.0.1:5081:
# one private PostgreSQL (audit trail, review queue, feedback), one private Redis (budgets, request
# rates), one keys folder (sign-in cookies, development keys). Sign in on one port, review on the other.
#
# Installs nothing: run `bash eng/install-prerequisites.sh` first (Debian's postgresql and
# redis-server packages; the .NET SDK of global.json). Everything lives in one temporary folder
# and is stopped and deleted on Ctrl+C. Offline unless OPENAI_API_KEY is set, as `dotnet run` is.
set -euo pipefail

sample_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ports=(5080 5081)

fail() {
  echo "run-two-instances: $*" >&2
  exit 1
}

# PostgreSQL's server programs: the newest major of Debian's layout, else the PATH.
pg_bin=""
for candidate in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k5 -n -r); do
  if [ -x "$candidate/initdb" ]; then
    pg_bin="$candidate"
    break
  fi
done
if [ -z "$pg_bin" ] && command -v initdb >/dev/null 2>&1; then
  pg_bin="$(dirname "$(command -v initdb)")"
fi
[ -n "$pg_bin" ] || fail "PostgreSQL's initdb and pg_ctl were not found; run: bash eng/install-prerequisites.sh"
command -v redis-server >/dev/null 2>&1 || fail "redis-server was not found; run: bash eng/install-prerequisites.sh"
command -v dotnet >/dev/null 2>&1 || fail "the dotnet command was not found; install the .NET SDK named in global.json"

is_listening() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

free_port() {
  local port
  for _ in $(seq 1 100); do
    port=$((20000 + RANDOM % 40000))
    if ! is_listening "$port"; then
      echo "$port"
      return 0
    fi
  done
  fail "no free loopback port found"
}

wait_until_listening() {
  local port="$1" what="$2" seconds="$3"
  for _ in $(seq 1 $((seconds * 4))); do
    is_listening "$port" && return 0
    sleep 0.25
  done
  fail "$what did not listen on 127.0.0.1:$port within $seconds seconds"
}

for port in "${ports[@]}"; do
  is_listening "$port" && fail "127.0.0.1:$port is in use; stop what listens there first"
done

work="$(mktemp -d -t safeopenai-two-instances-XXXXXX)"
pg_data="$work/postgres/data"
pg_port="$(free_port)"
redis_port="$(free_port)"
instance_pids=()
redis_pid=""

# PostgreSQL refuses to run as root: then its folder belongs to the postgres account of the
# Debian package, and its programs run as that account (as LocalPostgreSqlServer does in the tests).
as_postgres() {
  if [ "$(id -u)" -eq 0 ]; then
    setpriv --reuid=postgres --regid=postgres --init-groups -- "$@"
  else
    "$@"
  fi
}

stop_all() {
  trap - INT TERM EXIT
  echo
  echo "Stopping..."
  for pid in "${instance_pids[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${instance_pids[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
  if [ -n "$redis_pid" ]; then
    kill "$redis_pid" 2>/dev/null || true
    wait "$redis_pid" 2>/dev/null || true
  fi
  if [ -f "$pg_data/postmaster.pid" ]; then
    as_postgres "$pg_bin/pg_ctl" stop -D "$pg_data" -m fast -w >/dev/null || true
  fi
  rm -rf "$work"
}
trap stop_all INT TERM EXIT

mkdir -p "$work/postgres" "$work/redis" "$work/keys" "$work/instance-a" "$work/instance-b"
chmod 700 "$work/keys"
if [ "$(id -u)" -eq 0 ]; then
  # The postgres account may pass through the temporary folder (not list it) to reach its own.
  chmod 711 "$work"
  chown -R postgres: "$work/postgres"
fi

echo "PostgreSQL: initdb in $work/postgres, port $pg_port"
as_postgres "$pg_bin/initdb" -D "$pg_data" -U postgres -A trust -E UTF8 --locale=C --no-sync >/dev/null
as_postgres "$pg_bin/pg_ctl" start -D "$pg_data" -l "$work/postgres/postgres.log" -w -t 60 \
  -o "-p $pg_port -k $work/postgres -c listen_addresses=127.0.0.1" >/dev/null
as_postgres "$pg_bin/createdb" -h 127.0.0.1 -p "$pg_port" -U postgres safeopenai
connection_string="Host=127.0.0.1;Port=$pg_port;Username=postgres;Database=safeopenai"

echo "Redis: port $redis_port"
redis-server --port "$redis_port" --bind 127.0.0.1 --dir "$work/redis" --save "" --appendonly no \
  --logfile "$work/redis/redis.log" &
redis_pid=$!
wait_until_listening "$redis_port" "redis-server" 20

echo "Building the sample..."
dotnet build "$sample_dir" -c Release --nologo -v quiet >/dev/null

start_instance() {
  local port="$1" data="$2"
  # The built assembly itself, not `dotnet run`, so that the stop signal reaches the app.
  dotnet "$sample_dir/bin/Release/net10.0/SafeOpenAI.Samples.WebApp.dll" \
    --urls "http://127.0.0.1:$port" \
    --environment Development \
    --contentRoot "$sample_dir" \
    "--WebApp:DataDirectory=$data" \
    "--WebApp:KeysDirectory=$work/keys" \
    "--WebApp:Store=PostgreSql" \
    "--ConnectionStrings:SafeOpenAI=$connection_string" \
    "--WebApp:Redis=127.0.0.1:$redis_port" &
  instance_pids+=($!)
}

# One after the other, so that the first creates the shared keys and the second reads them.
start_instance "${ports[0]}" "$work/instance-a"
wait_until_listening "${ports[0]}" "instance A" 120
start_instance "${ports[1]}" "$work/instance-b"
wait_until_listening "${ports[1]}" "instance B" 120

cat <<EOF

Two instances of one app:
  A: http://127.0.0.1:${ports[0]}
  B: http://127.0.0.1:${ports[1]}
Sign in as alice on A and ask a Health question; sign in as rita on B (another browser or a
private window), open Review, claim and approve: alice's page on A shows the answer.
PostgreSQL: $connection_string   Redis: 127.0.0.1:$redis_port
Press Ctrl+C to stop everything and delete $work.
EOF

# Returns when an instance exits or on Ctrl+C; the trap stops the rest.
wait -n "${instance_pids[@]}"
