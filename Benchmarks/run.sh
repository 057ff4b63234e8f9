#!/usr/bin/env bash
# Regenerates docs/performance.md from one fresh benchmark run.
#
#   Benchmarks/run.sh                 every suite, the documented job (about 25 minutes on 2 cores)
#   Benchmarks/run.sh --quick         every suite, BenchmarkDotNet's short job (a quick look; ratios are rougher)
#   Benchmarks/run.sh --wall-clock    time every suite by the wall clock (default: single-threaded suites in thread
#                                     CPU time, which on a shared machine does not count waiting for a core)
#   FILTER='*Churn* *FreeAtOnce*' Benchmarks/run.sh   only some suites, space-separated globs (the document then
#                                     shows only those tables)
#   LAUNCHES=3 Benchmarks/run.sh      three processes per case (default 1): the fastest iteration is then taken across
#                                     them, so a process that ran on a slowed vCPU throughout no longer decides a row
#
# Extra arguments go to BenchmarkDotNet. Results land in BenchmarkDotNet.Artifacts/results/ (never committed).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
results="$root/BenchmarkDotNet.Artifacts/results"
previous="$root/BenchmarkDotNet.Artifacts/previous-results"

job=(--launchCount "${LAUNCHES:-1}" --warmupCount 5 --iterationCount 15) # BenchmarkDotNet rejects a second --launchCount
clock=(--thread-cpu-clock)
extra=()
for argument in "$@"; do
  case "$argument" in
    --quick) job=(--job short) ;;
    --wall-clock) clock=() ;;
    *) extra+=("$argument") ;;
  esac
done

# The CPython311 rows call C pymalloc in Debian's libpython3.11 (the issue's reference, measured in the same run).
# Without it (and without root to install it) only those rows fail, with a message saying what to install.
if ! ldconfig -p | grep -q 'libpython3\.11\.so\.1\.0'; then
  if [ "$(id -u)" = 0 ] && command -v apt-get > /dev/null; then
    echo "installing Debian's libpython3.11 for the CPython311 rows" >&2
    apt-get install -y -q libpython3.11 > /dev/null || { apt-get update -q > /dev/null && apt-get install -y -q libpython3.11 > /dev/null; }
  else
    echo "warning: libpython3.11.so.1.0 not found and not root: the CPython311 rows will fail (apt-get install libpython3.11)" >&2
  fi
fi

dotnet build Benchmarks/Benchmarks.csproj -c Release --nologo -v q
# Every benchmark body once, checked (blocks disjoint, heap invariants, 0 managed bytes, oracle answers).
dotnet run -c Release --no-build --project Benchmarks -- --validate | tail -n 1

# Keep the last complete run: the document's noise section compares the ratios of the two.
if compgen -G "$results/*-report-full.json" > /dev/null; then
  rm -rf "$previous"
  mv "$results" "$previous"
fi
rm -rf "$results"
mkdir -p "$results"
{
  echo "nproc: $(nproc)"
  echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
  echo "dotnet: $(dotnet --version) (runtime $(dotnet --list-runtimes | awk '/Microsoft.NETCore.App/ {print $2}' | tail -n 1))"
  echo "kernel: $(uname -r)"
  echo "started: $(date -u +%Y-%m-%dT%H:%M:%SZ), load average $(cut -d' ' -f1-3 /proc/loadavg)"
} > "$results/machine.txt.partial"

read -r -a filters <<< "${FILTER:-*}" # globs stay unexpanded: read does no pathname expansion
# The run's fastest calibration so far: a process whose vCPUs are both slower waits for a quiet moment (QuietCpu.cs).
export PYMALLOC_BENCH_QUIET_FILE="$results/quiet-cpu.txt"
dotnet run -c Release --no-build --project Benchmarks -- \
  --filter "${filters[@]}" "${job[@]}" ${clock[@]+"${clock[@]}"} ${extra[@]+"${extra[@]}"}

# Each single-threaded suite's process pins its thread to the vCPU that ran a calibration loop fastest (QuietCpu.cs)
# and logs its choice; count them from this run's logs.
# (No match, e.g. with PYMALLOC_BENCH_PIN=0 or only multi-threaded suites, is not an error.)
pin_lines="$({ find BenchmarkDotNet.Artifacts -maxdepth 1 -name '*.log' -newer "$results/machine.txt.partial" \
  -exec grep -ho 'pinned to cpu [0-9]*; calibration.*' {} + || true; })"
pins="$({ grep -o 'pinned to cpu [0-9]*' <<< "$pin_lines" || true; } | sort | uniq -c | awk '{ printf "%s%s on cpu %s", sep, $1, $5; sep = ", " }')"
# The calibration loop's time on the vCPU each process chose: the same work every time, so a wide spread means some
# processes ran while both vCPUs were slowed. A narrow one does not prove the opposite (docs/performance.md, "Noise").
calibration="$(awk '{ cpu = $4; sub(";", "", cpu); for (i = 1; i < NF; i++) if ($i == "cpu" cpu) { v = $(i + 1); sub(/[,;]$/, "", v); print v } }' <<< "$pin_lines" |
  sort -n | awk '{ a[NR] = $1 } END { if (NR) printf "min %s, median %s, max %s µs over %d processes", a[1], a[int((NR + 1) / 2)], a[NR], NR }')"
waits="$(awk '/; waited [0-9]+ s/ { quiet++; for (i = 1; i < NF; i++) if ($i == "waited") s += $(i + 1) }
  /; still slowed after waiting/ { slowed++; for (i = 1; i < NF; i++) if ($i == "waiting") s += $(i + 1) }
  END { printf "%d waited for a quiet vCPU, %d measured still slowed, %d s in all", quiet, slowed, s }' <<< "$pin_lines")"
{
  cat "$results/machine.txt.partial"
  echo "finished: $(date -u +%Y-%m-%dT%H:%M:%SZ), load average $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "benchmark processes pinned: ${pins:-none}"
  echo "calibration loop on the chosen vCPU: ${calibration:-not run}"
  echo "processes that found both vCPUs slowed: $waits"
} > "$results/machine.txt"
rm -f "$results/machine.txt.partial"

dotnet run -c Release --no-build --project Benchmarks -- --render-docs "$results" docs/performance.md "$previous"
