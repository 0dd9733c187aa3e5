#!/usr/bin/env bash
# The folders show the data flow: each one includes only the folders below it (docs/architecture.md).
# Prints every include that goes against it and exits 1; core/ includes no library header at all.
set -euo pipefail
root="${1:-$(dirname "$0")/../..}"
cd "$root"

declare -A allowed=(
  [core]=""
  [dicom]="core"
  [store]="core"
  [rules]="core"
  [skin]="core"
  [screen]="core"
  [pipeline]="core dicom store rules skin screen"
  [present]="core store rules skin"
  [audit]="core dicom store rules skin screen pipeline present"
  [api]="core dicom store rules skin screen pipeline present"
  [service]="core dicom store rules skin screen pipeline present audit api"
  [cli]="core dicom store rules skin screen pipeline present audit api service"
  [plugin]="core dicom store rules skin screen pipeline present audit api"
)

bad=0
for folder in "${!allowed[@]}"; do
  [ -d "$folder" ] || continue
  while IFS= read -r line; do
    file=${line%%:*}
    target=$(sed -E 's/.*#include "([^/"]+)\/.*/\1/' <<<"$line")
    [ "$target" = "$folder" ] && continue
    [[ " ${allowed[$folder]} " == *" $target "* ]] && continue
    [ -z "${allowed[$target]+x}" ] && continue # a library's own header ("dcmtk/...")
    echo "$file includes $target/: $folder/ may include only: ${allowed[$folder]:-nothing of the project}"
    bad=1
  done < <(grep -rHn --include='*.h' --include='*.cpp' '#include "[^/"]*/' "$folder" || true)
done
# core/ is the domain alone: no DCMTK, Poco, SQLite or OpenSSL header.
if grep -rHnE --include='*.h' --include='*.cpp' '#include [<"](dcmtk|Poco|sqlite3|openssl|CLI)' core; then
  echo "core/ includes a library header (above)"
  bad=1
fi
if [ "$bad" -eq 0 ]; then echo "include graph: one-way, core/ free of library headers"; fi
exit "$bad"
