#!/usr/bin/env bash
# Installs what scripts/compose-check.sh and scripts/testcontainers-check.sh need, from Debian's
# archive, unless present (root; Debian bookworm).
set -euo pipefail
need=()
for tool in podman:podman podman-compose:podman-compose runc:runc debootstrap:debootstrap \
  unshare:util-linux ip:iproute2 iptables:iptables curl:curl python3:python3; do
  command -v "${tool%%:*}" >/dev/null 2>&1 || need+=("${tool##*:}")
done
# netavark (podman's network backend) sets up container networks with iptables.
[ -x /usr/lib/podman/netavark ] || [ -x /usr/libexec/podman/netavark ] || need+=(netavark aardvark-dns)
if [ "${#need[@]}" -gt 0 ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi
