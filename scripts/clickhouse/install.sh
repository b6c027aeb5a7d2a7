#!/usr/bin/env bash
# Installs Debian's ClickHouse server and client and ZooKeeper for the collector's ClickHouse
# tests, when they are missing. Services are not started by apt (policy-rc.d exits 101): the
# tests start their own servers as child processes in a temp dir (the test kit's clickhouse/cluster.mjs).
set -euo pipefail
if [ -x /usr/sbin/clickhouse-server ] && [ -f /usr/share/java/zookeeper.jar ]; then
  exit 0
fi
if [ "$(id -u)" != "0" ]; then
  echo "scripts/clickhouse/install.sh: ClickHouse is missing and this is not root; run: sudo $0" >&2
  exit 1
fi
# Keep apt from starting the services it installs; put back whatever policy was there.
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
  chmod +x /usr/sbin/policy-rc.d
  trap 'rm -f /usr/sbin/policy-rc.d' EXIT
fi
apt-get update
DEBIAN_FRONTEND=noninteractive apt-get install -y clickhouse-server clickhouse-client zookeeper
