#!/usr/bin/env bash
# Socketmap load: our daemon, Debian's postfix-mta-sts-resolver and a floor server (frames in, a
# constant reply out) under the same load, in a private network namespace (loopback only). Needs
# root, dnsmasq and postfix-mta-sts-resolver; "syscalls" also needs perf (linux-perf).
#   mvn -B -q -pl mtasts-benchmarks,mtasts-examples -am package -DskipTests
#   mtasts-benchmarks/socketmap-load.sh [CONNECTIONS] [QUERIES] [SECONDS] [tcp|unix] [syscalls]
set -euo pipefail
cd "$(dirname "$0")/.."
k="${1:-50}"; n="${2:-200000}"; s="${3:-30}"; transport="${4:-tcp}"; count="${5:-}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
printf 'nameserver 127.0.0.1\n' > "$work/resolv.conf"
unshare --net --mount -- sh -c 'ip link set lo up && mount --bind "$0" /etc/resolv.conf && shift && exec "$@"' \
  "$work/resolv.conf" - java -cp mtasts-benchmarks/target/benchmarks.jar \
  dev.mtasts.benchmarks.socketmap.SocketmapLoadLab "$work" mtasts-examples/target/mtasts.jar "$k" "$n" "$s" "$transport" $count
