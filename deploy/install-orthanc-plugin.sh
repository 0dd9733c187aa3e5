#!/usr/bin/env bash
# Installs the fluoroaudit plugin into Debian's Orthanc: the library in /usr/lib/orthanc/ with a
# link in /usr/share/orthanc/plugins/ (Debian's Orthanc loads every plugin there), the web UI in
# /usr/share/fluoroaudit/web, the command line in /usr/local/bin, the store in
# /var/lib/orthanc/fluoroaudit (owned by Orthanc's user) and /etc/orthanc/fluoroaudit.json (kept if
# present); then restarts Orthanc when systemd runs it.
# Run from the checkout after: cmake --workflow --preset release
set -euo pipefail
cd "$(dirname "$0")/.."
[ "$(id -u)" -eq 0 ] || exec sudo "$0" "$@"
lib=build/release/lib/libOrthancFluoroAudit.so
[ -f "$lib" ] || { echo "install-orthanc-plugin: build first: cmake --workflow --preset release" >&2; exit 2; }
[ -x /usr/sbin/Orthanc ] || { echo "install-orthanc-plugin: Orthanc is not installed: apt install orthanc" >&2; exit 2; }
getent passwd orthanc >/dev/null || { echo "install-orthanc-plugin: no user 'orthanc' (Debian's package makes it)" >&2; exit 2; }

install -D -m 0644 "$lib" /usr/lib/orthanc/libOrthancFluoroAudit.so
install -d -m 0755 /usr/share/orthanc/plugins
ln -sf /usr/lib/orthanc/libOrthancFluoroAudit.so /usr/share/orthanc/plugins/libOrthancFluoroAudit.so
# Found by the plugin from /usr/lib/orthanc through ../../share/fluoroaudit/web.
rm -rf /usr/share/fluoroaudit/web
install -d -m 0755 /usr/share/fluoroaudit/web
cp -r build/release/bin/web/. /usr/share/fluoroaudit/web/
install -m 0755 build/release/bin/fluoroaudit /usr/local/bin/fluoroaudit
install -d -m 0750 -o orthanc -g orthanc /var/lib/orthanc/fluoroaudit
if [ ! -e /etc/orthanc/fluoroaudit.json ]; then
  cat > /etc/orthanc/fluoroaudit.json <<'JSON'
{
  // fluoroaudit: the store (the same layout as `fluoroaudit serve --data`), and optionally a
  // fluoroaudit INI for reference levels, mail, audit, privacy: "ConfigurationFile": "/etc/fluoroaudit/fluoroaudit.ini"
  // The nightly audit reconciles with what Orthanc holds, or with a PACS of "DicomModalities":
  // "PacsModality": "mainpacs"
  "FluoroAudit": {
    "DataDirectory": "/var/lib/orthanc/fluoroaudit"
  }
}
JSON
  chmod 0644 /etc/orthanc/fluoroaudit.json
else
  echo "install-orthanc-plugin: keeping the existing /etc/orthanc/fluoroaudit.json"
fi
if [ -d /run/systemd/system ] && systemctl is-enabled --quiet orthanc 2>/dev/null; then
  systemctl restart orthanc
  echo "install-orthanc-plugin: Orthanc restarted; its log (/var/log/orthanc) says \"fluoroaudit: following Orthanc's changes\""
else
  echo "install-orthanc-plugin: restart Orthanc to load the plugin (systemctl restart orthanc)"
fi
cat <<'TEXT'
install-orthanc-plugin: create the first user of the web UI with
  sudo -u orthanc fluoroaudit --data /var/lib/orthanc/fluoroaudit user add admin --role admin
then open http://localhost:8042/fluoroaudit/ui/ (or the "fluoroaudit" button in Orthanc Explorer).
TEXT
