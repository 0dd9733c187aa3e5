#!/usr/bin/env bash
# The Debian packages (deploy/packaging.cmake) as an administrator meets them: built by CPack from
# this build tree, their contents, conffiles and Depends checked, lintian without errors or
# warnings, then installed, upgraded and purged in a clean root: an overlay of this machine's
# Debian (dpkg's database and the Debian libraries the packages depend on; fluoroaudit never
# installed there), in a mount namespace of its own, with its own /run and /tmp, discarded after.
# Inside it the installed `serve` answers on its web port with the installed web UI, Debian's
# Orthanc loads the installed plugin, a stored study outlives the upgrade and the administrator's
# change to the configuration is kept.
# Usage: packages.sh BUILD_DIR (exit 77 = skipped: needs root for the namespace and dpkg).
set -euo pipefail
build=$(cd "$1" && pwd)
if [ "$(id -u)" -ne 0 ]; then
  echo "SKIP: installing packages into a clean root needs root (mount namespace, overlay, dpkg)"
  exit 77
fi
for tool in cpack dpkg-deb dpkg-shlibdeps lintian unshare node; do
  command -v "$tool" >/dev/null || { echo "FAIL: $tool is missing (deploy/install-deps.sh installs it)"; exit 1; }
done

work=$(mktemp -d /tmp/fa-packages.XXXXXX)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
step() { echo "== $*"; }

version=$(sed -n 's/^set(CPACK_PACKAGE_VERSION_MAJOR "\(.*\)")/\1/p' "$build/CPackConfig.cmake").$(sed -n 's/^set(CPACK_PACKAGE_VERSION_MINOR "\(.*\)")/\1/p' "$build/CPackConfig.cmake").$(sed -n 's/^set(CPACK_PACKAGE_VERSION_PATCH "\(.*\)")/\1/p' "$build/CPackConfig.cmake")
next="$version+next"

step "building the packages of $version and, for the upgrade, $next"
for v in "$version" "$next"; do
  (cd "$build" && cpack -G DEB -B "$work/cpack" -D CPACK_OUTPUT_FILE_PREFIX="$work/$v" -D CPACK_PACKAGE_VERSION="$v" \
     -D "CPACK_DEBIAN_ORTHANC_PACKAGE_DEPENDS=orthanc (>= 1.10), fluoroaudit (= $v-1)" >"$work/cpack-$v.log" 2>&1) ||
    { cat "$work/cpack-$v.log"; fail "cpack $v"; }
done
deb1="$work/$version/fluoroaudit_${version}-1_amd64.deb"
plugin1="$work/$version/orthanc-fluoroaudit_${version}-1_amd64.deb"
deb2="$work/$next/fluoroaudit_${next}-1_amd64.deb"
plugin2="$work/$next/orthanc-fluoroaudit_${next}-1_amd64.deb"
for f in "$deb1" "$plugin1" "$deb2" "$plugin2"; do [ -f "$f" ] || fail "no $f"; done

# The later version's default configuration changed (a new comment), as a release's may.
dpkg-deb -R "$deb2" "$work/repack"
echo "; a setting this later version documents" >> "$work/repack/etc/fluoroaudit/fluoroaudit.ini"
(cd "$work/repack" && find . -path ./DEBIAN -prune -o -type f -print | sed 's|^\./||' | sort | xargs md5sum > DEBIAN/md5sums)
dpkg-deb -b "$work/repack" "$deb2" >/dev/null

step "contents, conffiles and Depends"
contents() { dpkg-deb -c "$1" | awk '{print $6 ($7 ? " " $7 " " $8 : "")}' | sed 's|^\./|/|'; }
contents "$deb1" > "$work/fluoroaudit.list"
contents "$plugin1" > "$work/plugin.list"
for path in /usr/bin/fluoroaudit /usr/share/fluoroaudit/web/index.html /usr/share/fluoroaudit/web/app.js \
  /lib/systemd/system/fluoroaudit.service /lib/systemd/system/fluoroaudit-audit.service \
  /lib/systemd/system/fluoroaudit-audit.timer /etc/fluoroaudit/fluoroaudit.ini /usr/share/doc/fluoroaudit/copyright \
  /usr/share/doc/fluoroaudit/changelog.Debian.gz /usr/share/doc/fluoroaudit/fhir.md /usr/share/man/man1/fluoroaudit.1.gz; do
  grep -qx "$path" "$work/fluoroaudit.list" || fail "fluoroaudit lacks $path"
done
for path in /usr/lib/orthanc/libOrthancFluoroAudit.so /etc/orthanc/fluoroaudit.json /etc/orthanc/fluoroaudit-explorer2.json \
  "/usr/share/orthanc/plugins/libOrthancFluoroAudit.so -> ../../../lib/orthanc/libOrthancFluoroAudit.so" \
  /usr/share/doc/orthanc-fluoroaudit/copyright; do
  grep -qx "$path" "$work/plugin.list" || fail "orthanc-fluoroaudit lacks $path"
done
grep -q '^/usr/local' "$work/fluoroaudit.list" "$work/plugin.list" && fail "a package puts files in /usr/local"
# Nothing bundled: the only shared object is the plugin, the only program fluoroaudit.
[ "$(grep -c '\.so' "$work/fluoroaudit.list" || true)" -eq 0 ] || fail "fluoroaudit bundles a library"
[ "$(grep -c '^/usr/bin/[^/]' "$work/fluoroaudit.list")" -eq 1 ] || fail "more than one program in /usr/bin"
[ "$(dpkg-deb --ctrl-tarfile "$deb1" | tar -xO ./conffiles)" = "/etc/fluoroaudit/fluoroaudit.ini" ] || fail "fluoroaudit's conffiles"
[ "$(dpkg-deb --ctrl-tarfile "$plugin1" | tar -xO ./conffiles | sort | tr '\n' ' ')" = "/etc/orthanc/fluoroaudit-explorer2.json /etc/orthanc/fluoroaudit.json " ] ||
  fail "orthanc-fluoroaudit's conffiles"
depends=$(dpkg-deb -f "$deb1" Depends)
for lib in libdcmtk17 libpocofoundation80 libpq5 libsqlite3-0 libxlsxwriter4 libsystemd0 adduser; do
  echo "$depends" | grep -q "\b$lib\b" || fail "fluoroaudit does not depend on $lib: $depends"
done
# Every dependency is a Debian package (installed here from Debian's archive by install-deps.sh).
for pkg in $(echo "$depends" | tr ',' '\n' | sed 's/(.*//; s/ //g'); do
  dpkg-query -W -f='${Status}\n' "$pkg" 2>/dev/null | grep -q "install ok installed" || fail "$pkg is not a Debian package installed here"
done
dpkg-deb -f "$plugin1" Depends | grep -q "orthanc (>= 1.10), fluoroaudit (= $version-1)" || fail "orthanc-fluoroaudit's Depends"
echo "fluoroaudit Depends: $depends"

step "lintian"
lintian --tag-display-limit 0 "$deb1" "$plugin1" > "$work/lintian.txt" 2>&1 || true
grep -v 'running with root privileges' "$work/lintian.txt" || true
grep -qE '^(E|W):' "$work/lintian.txt" && fail "lintian reports errors or warnings"

step "the Orthanc Explorer 2 button in the installed configuration"
dpkg-deb -x "$plugin1" "$work/plugin-files"
node -e '
  const text = require("fs").readFileSync(process.argv[1], "utf8").replace(/^\s*\/\/.*$/mg, "");
  const buttons = JSON.parse(text).OrthancExplorer2.UiOptions.CustomButtons.study;
  const b = buttons.find((x) => x.Id === "fluoroaudit-study");
  if (!b || b.HttpMethod !== "GET" || b.Url !== "../../fluoroaudit/ui/#/study/{StudyInstanceUID}" || b.Target !== "_blank")
    { console.error("no fluoroaudit study button:", JSON.stringify(buttons)); process.exit(1); }
  console.log("button:", b.Url);' "$work/plugin-files/etc/orthanc/fluoroaudit-explorer2.json" || fail "Orthanc Explorer 2 button"
node -e 'JSON.parse(require("fs").readFileSync(process.argv[1], "utf8").replace(/^\s*\/\/.*$/mg, ""))' \
  "$work/plugin-files/etc/orthanc/fluoroaudit.json" || fail "fluoroaudit.json is not JSON"

step "install, upgrade and purge in a clean root"
mkdir -p "$work/root" "$work/layers"
cp "$deb1" "$plugin1" "$deb2" "$plugin2" "$work/"
"$build/bin/fa-synth" report "$work/report.dcm" "Hepatic chemoembolisation" 12 20261120 >/dev/null
cp "$build/bin/fa-synth" "$work/" # for nothing but the report above: the chroot reads files from /tmp/in
free_port() { node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }
dicom_port=$(free_port); http_port=$(free_port); orthanc_http=$(free_port); orthanc_dicom=$(free_port)
cat > "$work/inside.sh" <<INSIDE
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive PATH=/usr/sbin:/usr/bin:/sbin:/bin LC_ALL=C.UTF-8
fail() { echo "FAIL (inside): \$*"; exit 1; }
# A root where fluoroaudit never was: what a developer's machine may hold of an earlier hand install goes.
getent passwd fluoroaudit >/dev/null && deluser --quiet --system fluoroaudit >/dev/null
getent group fluoroaudit >/dev/null && delgroup --quiet --system fluoroaudit >/dev/null
rm -rf /etc/fluoroaudit /var/lib/fluoroaudit /var/log/fluoroaudit /etc/systemd/system/fluoroaudit* /usr/local/bin/fluoroaudit
dpkg-query -W fluoroaudit >/dev/null 2>&1 && fail "fluoroaudit is already known to dpkg here"

dpkg -i /tmp/in/$(basename "$deb1") /tmp/in/$(basename "$plugin1")
[ "\$(dpkg-query -W -f='\${Status} \${Version}' fluoroaudit)" = "install ok installed $version-1" ] || fail "fluoroaudit not installed"
[ "\$(dpkg-query -W -f='\${Status}' orthanc-fluoroaudit)" = "install ok installed" ] || fail "orthanc-fluoroaudit not installed"
entry=\$(getent passwd fluoroaudit) || fail "no user fluoroaudit"
uid=\$(echo "\$entry" | cut -d: -f3)
[ "\$uid" -lt 1000 ] || fail "fluoroaudit is not a system user (\$entry)"
echo "\$entry" | grep -q ':/var/lib/fluoroaudit:/usr/sbin/nologin$' || fail "fluoroaudit's home and shell: \$entry"
[ "\$(stat -c '%U:%G %a' /var/lib/fluoroaudit)" = "fluoroaudit:fluoroaudit 750" ] || fail "/var/lib/fluoroaudit: \$(stat -c '%U:%G %a' /var/lib/fluoroaudit)"
[ "\$(stat -c '%U:%G %a' /var/log/fluoroaudit)" = "fluoroaudit:fluoroaudit 750" ] || fail "/var/log/fluoroaudit"
[ "\$(stat -c '%U:%G %a' /etc/fluoroaudit/fluoroaudit.ini)" = "root:fluoroaudit 640" ] || fail "the configuration's owner and mode"
[ -L /etc/systemd/system/multi-user.target.wants/fluoroaudit.service ] || fail "the service is not enabled"
[ ! -e /etc/systemd/system/timers.target.wants/fluoroaudit-audit.timer ] || fail "the audit timer is enabled"
grep -q '^ExecStart=/usr/bin/fluoroaudit --config /etc/fluoroaudit/fluoroaudit.ini serve$' /lib/systemd/system/fluoroaudit.service ||
  fail "the unit does not start /usr/bin/fluoroaudit"
[ "\$(readlink -f /usr/share/orthanc/plugins/libOrthancFluoroAudit.so)" = /usr/lib/orthanc/libOrthancFluoroAudit.so ] || fail "plugin link"
[ "\$(stat -c '%U:%G' /var/lib/orthanc/fluoroaudit)" = "orthanc:orthanc" ] || fail "the plugin's store"
runuser -u fluoroaudit -- fluoroaudit check-config /etc/fluoroaudit/fluoroaudit.ini

# The installed service, as its unit runs it (the ports free ones: other tests may run beside;
# setpriv runs it as its user with no process between, so that SIGTERM reaches it).
setpriv --reuid=fluoroaudit --regid=fluoroaudit --init-groups -- fluoroaudit --config /etc/fluoroaudit/fluoroaudit.ini serve --port $dicom_port --http-port $http_port \
  > /tmp/serve.out 2>&1 &
serve=\$!
for i in \$(seq 1 600); do
  curl -fsS http://127.0.0.1:$http_port/api/health >/dev/null 2>&1 && break
  kill -0 \$serve 2>/dev/null || { cat /tmp/serve.out /var/log/fluoroaudit/fluoroaudit.log 2>/dev/null | tail -20; fail "serve exited"; }
  sleep 0.1
done
curl -fsS http://127.0.0.1:$http_port/api/health | grep -q '"status"' || fail "no health from the installed serve"
curl -fsS http://127.0.0.1:$http_port/ | grep -qi '<html' || fail "the installed web UI is not served"
storescu -aec FLUOROAUDIT 127.0.0.1 $dicom_port /tmp/in/report.dcm || fail "storescu to the installed serve"
for i in \$(seq 1 600); do
  runuser -u fluoroaudit -- fluoroaudit --config /etc/fluoroaudit/fluoroaudit.ini studies 2>/dev/null | grep -q 'Hepatic chemoembolisation' && break
  sleep 0.1
done
kill -TERM \$serve
status=0; wait \$serve || status=\$?
[ \$status -eq 0 ] || { tail -20 /tmp/serve.out; fail "serve did not stop cleanly (exit \$status)"; }
runuser -u fluoroaudit -- fluoroaudit --config /etc/fluoroaudit/fluoroaudit.ini studies | grep -q 'Hepatic chemoembolisation' ||
  fail "the study sent is not in the store"

# Debian's Orthanc with its own configuration (ports moved) loads the installed plugin.
cp -r --preserve=mode,ownership /etc/orthanc /tmp/orthanc-conf
sed -i -e 's/"HttpPort" *: *8042/"HttpPort" : $orthanc_http/' -e 's/"DicomPort" *: *4242/"DicomPort" : $orthanc_dicom/' \
  -e 's|"StorageDirectory" *: *"[^"]*"|"StorageDirectory" : "/tmp/orthanc-db"|' -e 's|"IndexDirectory" *: *"[^"]*"|"IndexDirectory" : "/tmp/orthanc-db"|' \
  -e 's/"AuthenticationEnabled" *: *true/"AuthenticationEnabled" : false/' /tmp/orthanc-conf/orthanc.json
install -d -o orthanc -g orthanc /tmp/orthanc-db
setpriv --reuid=orthanc --regid=orthanc --init-groups -- Orthanc /tmp/orthanc-conf > /tmp/orthanc.out 2>&1 &
orthanc=\$!
for i in \$(seq 1 600); do
  curl -fsS http://127.0.0.1:$orthanc_http/fluoroaudit/ui/ 2>/dev/null | grep -qi '<html' && break
  kill -0 \$orthanc 2>/dev/null || { tail -20 /tmp/orthanc.out; fail "Orthanc exited"; }
  sleep 0.1
done
curl -fsS http://127.0.0.1:$orthanc_http/fluoroaudit/ui/ | grep -qi '<html' || { tail -20 /tmp/orthanc.out; fail "no fluoroaudit UI in Orthanc"; }
curl -fsS http://127.0.0.1:$orthanc_http/plugins | grep -q fluoroaudit || fail "Orthanc lists no fluoroaudit plugin"
kill -TERM \$orthanc; wait \$orthanc || true

# The upgrade: the administrator's change kept, the new default beside it, the study still there.
echo "; this site's own note" >> /etc/fluoroaudit/fluoroaudit.ini
dpkg -i --force-confold /tmp/in/$(basename "$deb2") /tmp/in/$(basename "$plugin2")
[ "\$(dpkg-query -W -f='\${Version}' fluoroaudit)" = "$next-1" ] || fail "not upgraded"
grep -q "this site's own note" /etc/fluoroaudit/fluoroaudit.ini || fail "the administrator's change was lost"
grep -q "a setting this later version documents" /etc/fluoroaudit/fluoroaudit.ini.dpkg-dist || fail "no .dpkg-dist of the new default"
[ "\$(stat -c '%U:%G %a' /etc/fluoroaudit/fluoroaudit.ini)" = "root:fluoroaudit 640" ] || fail "the configuration's mode after the upgrade"
runuser -u fluoroaudit -- fluoroaudit --config /etc/fluoroaudit/fluoroaudit.ini studies | grep -q 'Hepatic chemoembolisation' ||
  fail "the study is gone after the upgrade"

# Purge: program, units and configuration gone; the dose records stay.
dpkg -P orthanc-fluoroaudit fluoroaudit > /tmp/purge.out
cat /tmp/purge.out
dpkg-query -W -f='\${Status}' fluoroaudit 2>/dev/null | grep -q installed && fail "still installed"
for gone in /usr/bin/fluoroaudit /etc/fluoroaudit/fluoroaudit.ini /etc/fluoroaudit /lib/systemd/system/fluoroaudit.service \
  /etc/systemd/system/multi-user.target.wants/fluoroaudit.service /var/log/fluoroaudit /usr/share/fluoroaudit \
  /etc/orthanc/fluoroaudit.json /etc/orthanc/fluoroaudit-explorer2.json /usr/share/orthanc/plugins/libOrthancFluoroAudit.so; do
  [ ! -e "\$gone" ] && [ ! -L "\$gone" ] || fail "\$gone is left after purge"
done
[ -d /var/lib/fluoroaudit ] || fail "purge removed the dose records"
grep -q "the store in /var/lib/fluoroaudit is kept" /tmp/purge.out || fail "purge does not say the store is kept"
echo "inside: installed, served, upgraded and purged"
INSIDE
unshare --mount --propagation private bash -euo pipefail -c "
  mount -t tmpfs tmpfs '$work/layers'
  mkdir -p '$work/layers/upper' '$work/layers/work'
  mount -t overlay overlay -o lowerdir=/,upperdir='$work/layers/upper',workdir='$work/layers/work' '$work/root'
  mount --bind /proc '$work/root/proc'
  mount --rbind /dev '$work/root/dev'
  mount -t tmpfs tmpfs '$work/root/run'
  mount -t tmpfs tmpfs '$work/root/tmp'
  mkdir -p '$work/root/tmp/in'
  cp '$work'/*.deb '$work/report.dcm' '$work/inside.sh' '$work/root/tmp/in/'
  chroot '$work/root' /bin/bash /tmp/in/inside.sh
" || fail "install, upgrade or purge (above)"
echo "PASS: packages built, checked, installed, upgraded and purged"
