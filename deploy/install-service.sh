#!/usr/bin/env bash
# Installs fluoroaudit as a system service on Debian 12: binary in /usr/local/bin, an unprivileged
# user, data in /var/lib/fluoroaudit, logs in /var/log/fluoroaudit, configuration in
# /etc/fluoroaudit (kept if present), and the systemd unit (enabled and started when systemd runs).
# Run from the checkout after: cmake --workflow --preset release
set -euo pipefail
cd "$(dirname "$0")/.."
[ "$(id -u)" -eq 0 ] || exec sudo "$0" "$@"
bin=build/release/bin/fluoroaudit
[ -x "$bin" ] || { echo "install-service: build first: cmake --workflow --preset release" >&2; exit 2; }

install -m 0755 "$bin" /usr/local/bin/fluoroaudit
# The web UI, built beside the binary; found from /usr/local/bin through ../share/fluoroaudit/web.
rm -rf /usr/local/share/fluoroaudit/web
install -d -m 0755 /usr/local/share/fluoroaudit/web
cp -r build/release/bin/web/. /usr/local/share/fluoroaudit/web/
install -d -m 0755 /usr/local/share/doc/fluoroaudit
install -m 0644 README.md docs/*.md /usr/local/share/doc/fluoroaudit/
getent group fluoroaudit >/dev/null || groupadd --system fluoroaudit
getent passwd fluoroaudit >/dev/null ||
  useradd --system --gid fluoroaudit --home-dir /var/lib/fluoroaudit --shell /usr/sbin/nologin fluoroaudit
install -d -m 0750 -o fluoroaudit -g fluoroaudit /var/lib/fluoroaudit /var/log/fluoroaudit /var/lib/fluoroaudit/reports
install -d -m 0755 /etc/fluoroaudit
if [ ! -e /etc/fluoroaudit/fluoroaudit.ini ]; then
  install -m 0640 -g fluoroaudit deploy/fluoroaudit.ini /etc/fluoroaudit/fluoroaudit.ini
else
  echo "install-service: keeping the existing /etc/fluoroaudit/fluoroaudit.ini"
fi
/usr/local/bin/fluoroaudit check-config /etc/fluoroaudit/fluoroaudit.ini
# The units name the packaged paths (/usr/bin, /usr/share/doc); this install is in /usr/local.
for unit in fluoroaudit.service fluoroaudit-audit.service fluoroaudit-audit.timer; do
  sed -e 's|/usr/bin/fluoroaudit|/usr/local/bin/fluoroaudit|g' -e 's|/usr/share/doc/fluoroaudit|/usr/local/share/doc/fluoroaudit|g' \
    "deploy/$unit" > "/etc/systemd/system/$unit"
  chmod 0644 "/etc/systemd/system/$unit"
done
# The audit timer is installed, not enabled: `serve` runs the audit itself unless [audit] schedule = false.
if [ -d /run/systemd/system ]; then
  systemctl daemon-reload
  systemctl enable --now fluoroaudit.service
  systemctl --no-pager status fluoroaudit.service | head -5
else
  echo "install-service: systemd is not running here; start it with: systemctl enable --now fluoroaudit"
fi
echo "install-service: create the first web UI administrator with:"
echo "  sudo -u fluoroaudit /usr/local/bin/fluoroaudit --config /etc/fluoroaudit/fluoroaudit.ini user add NAME --role admin"
