#!/usr/bin/env bash
# Adds every public symbol the PublicApiAnalyzers report as undeclared (RS0016) to the project's
# PublicAPI.Unshipped.txt, and removes the ones reported as gone (RS0017). Review the diff after.
# Usage: eng/update-public-api.sh src/SafeOpenAI/SafeOpenAI.csproj [more projects...]
set -euo pipefail
for project in "$@"; do
  dir=$(dirname "$project")
  log=$(mktemp)
  dotnet build "$project" -c Debug --no-incremental -p:TreatWarningsAsErrors=false -p:WarningsAsErrors= 2>&1 >"$log" || true
  unshipped="$dir/PublicAPI.Unshipped.txt"
  grep -oP "RS0016: Symbol '\K.*(?=' is not part of the declared public API)" "$log" | sort -u >"$log.add" || true
  grep -oP "RS0017: Symbol '\K.*(?=' is part of the declared API, but)" "$log" | sort -u >"$log.remove" || true
  { grep -v '^#nullable' "$unshipped" || true; cat "$log.add"; } | grep -vxF -f "$log.remove" | sort -u >"$log.merged" || true
  { echo '#nullable enable'; cat "$log.merged"; } >"$unshipped"
  echo "$project: +$(wc -l <"$log.add") -$(wc -l <"$log.remove")"
  rm -f "$log" "$log.add" "$log.remove" "$log.merged"
done
