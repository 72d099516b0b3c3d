#!/usr/bin/env bash
# Coverage-guided fuzzing of SafeOpenAI with AFL++ and SharpFuzz.
# Usage: eng/fuzz.sh <normalizer|pii|injection> <seconds>
#
# Installs what is missing (Debian's afl++ package; the SharpFuzz.CommandLine instrumentation tool
# into artifacts/fuzz/tools), publishes fuzz/SafeOpenAI.Fuzz into artifacts/fuzz/<target>/bin,
# instruments its copy of SafeOpenAI.dll, fuzzes for <seconds> from the seeds in
# fuzz/corpus/<target>/ (UTF-16LE text, so every code unit, lone surrogates too, is one byte flip
# away), then prints executions, exec/s, corpus paths, edge coverage and crashes.
# Findings stay in artifacts/fuzz/<target>/findings (crashes/ and hangs/ hold the inputs). Replay one
# with the uninstrumented build (the instrumented copy only runs under afl-fuzz):
#   dotnet run --project fuzz/SafeOpenAI.Fuzz -c Release -- <target> <file>
# Environment: FUZZ_TIMEOUT_MS (per execution, default 10000), FUZZ_OUT (default artifacts/fuzz/<target>).
set -euo pipefail

if [ $# -ne 2 ] || ! [[ "$2" =~ ^[0-9]+$ ]]; then
  echo "usage: $0 <normalizer|pii|injection> <seconds>" >&2
  exit 2
fi
target=$1
seconds=$2
case "$target" in
  normalizer|pii|injection) ;;
  *) echo "unknown target '$target' (normalizer, pii or injection)" >&2; exit 2 ;;
esac

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
out=${FUZZ_OUT:-$root/artifacts/fuzz/$target}
tools=$root/artifacts/fuzz/tools
sharpfuzz_version=2.3.0

# 1. AFL++ from Debian.
if ! command -v afl-fuzz >/dev/null 2>&1; then
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq afl++
fi

# 2. The SharpFuzz instrumentation tool, in a tools folder of its own.
if [ ! -x "$tools/sharpfuzz" ]; then
  dotnet tool install SharpFuzz.CommandLine --version "$sharpfuzz_version" --tool-path "$tools" >/dev/null
fi

# 3. A fresh build, then 4. instrument the library under test (only SafeOpenAI.dll: its branches guide AFL++).
rm -rf "$out/bin" "$out/findings"
mkdir -p "$out"
dotnet publish "$root/fuzz/SafeOpenAI.Fuzz/SafeOpenAI.Fuzz.csproj" -c Release -o "$out/bin" -nologo -v quiet
"$tools/sharpfuzz" "$out/bin/SafeOpenAI.dll"

# 5. Fuzz. The target is `dotnet`, not an AFL-compiled binary (AFL_SKIP_BIN_CHECK); SharpFuzz speaks
# the fork-server protocol itself and runs the test cases in a child process, so a crash that kills
# the runtime (stack overflow) is still reported.
export AFL_SKIP_BIN_CHECK=1
export AFL_NO_UI=1
export AFL_SKIP_CPUFREQ=1
export AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1
export AFL_FORKSRV_INIT_TMOUT=${AFL_FORKSRV_INIT_TMOUT:-60000}
started=$(date -u +%Y-%m-%dT%H:%M:%SZ)
afl-fuzz -i "$root/fuzz/corpus/$target" -o "$out/findings" -t "${FUZZ_TIMEOUT_MS:-10000}" -m none -V "$seconds" \
  -- dotnet "$out/bin/SafeOpenAI.Fuzz.dll" "$target" >"$out/afl.log" 2>&1 || {
  echo "afl-fuzz failed; the last lines of $out/afl.log:" >&2
  tail -n 30 "$out/afl.log" >&2
  exit 1
}

# 6. Figures.
stats=$out/findings/default/fuzzer_stats
stat() { awk -F' *: *' -v k="$1" '$1 == k { print $2 }' "$stats"; }
crashes=$(stat saved_crashes)
echo "target:        $target"
echo "started:       $started ($seconds s requested, $(stat run_time) s run)"
echo "executions:    $(stat execs_done)"
echo "exec/s:        $(stat execs_per_sec)"
echo "corpus paths:  $(stat corpus_count) (from $(find "$root/fuzz/corpus/$target" -type f | wc -l) seeds)"
echo "edge coverage: $(stat bitmap_cvg) of the map, $(stat edges_found) edges"
echo "crashes:       $crashes"
echo "hangs:         $(stat saved_hangs)"
echo "findings:      $out/findings/default"
if [ "${crashes:-0}" != "0" ]; then
  ls "$out/findings/default/crashes" | grep -v README
  echo "replay: dotnet run --project fuzz/SafeOpenAI.Fuzz -c Release -- $target <file>"
  exit 3
fi
