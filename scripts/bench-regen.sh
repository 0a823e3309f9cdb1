#!/usr/bin/env bash
# Times `cargo xtask regen` end to end on an up-to-date tree: the xtask binary
# is built first, then the binary itself is timed (cargo's own start-up and
# freshness check are left out). `cargo xtask` is an alias for
# `cargo run -p xtask`, so the dev profile (target/debug/xtask) is what
# maintainers run; the release build is timed beside it for comparison.
#
# Usage: scripts/bench-regen.sh [--runs N] [--debug-only]
#   --runs N       timed runs per binary (default 10)
#   --debug-only   skip the release build
# Uses hyperfine when installed, else a shell loop; prints the median of each.
# Refuses to run when generated-client/src/generated.rs is stale, so that it
# never rewrites the committed file.
set -euo pipefail
cd "$(dirname "$0")/.."

runs=10
profiles=(debug release)
while [[ $# -gt 0 ]]; do
  case "$1" in
    --runs) runs="$2"; shift 2 ;;
    --debug-only) profiles=(debug); shift ;;
    -h | --help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    *) echo "error: unknown argument \`$1\` (see --help)" >&2; exit 2 ;;
  esac
done

step() { printf '\n==> %s\n' "$*"; }

for profile in "${profiles[@]}"; do
  if [[ "$profile" == release ]]; then
    step "cargo build -p xtask --release"
    cargo build -p xtask --release
  else
    step "cargo build -p xtask (dev profile, what \`cargo xtask\` runs)"
    cargo build -p xtask
  fi
done

step "target/debug/xtask check (the tree must be up to date)"
if ! target/debug/xtask check >/dev/null; then
  echo "error: generated-client/src/generated.rs is stale: run \`cargo xtask regen\` first, then time it again" >&2
  exit 1
fi
echo "up to date"

# The median of the numbers (seconds) given as arguments.
median() {
  printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END {
    if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

declare -A medians
for profile in "${profiles[@]}"; do
  binary="target/$profile/xtask"
  step "timing \`$binary regen\`, $runs runs"
  if command -v hyperfine >/dev/null; then
    json=$(mktemp)
    hyperfine --warmup 1 --runs "$runs" --export-json "$json" "$binary regen"
    medians[$profile]=$(sed -n 's/^ *"median": *\([0-9.eE+-]*\),*$/\1/p' "$json" | head -n 1)
    rm -f "$json"
  else
    echo "(hyperfine not installed: timing with a shell loop)"
    "$binary" regen >/dev/null # warm-up
    times=()
    for ((run = 1; run <= runs; run++)); do
      start=$(date +%s.%N)
      "$binary" regen >/dev/null
      end=$(date +%s.%N)
      times+=("$(awk -v s="$start" -v e="$end" 'BEGIN { printf "%.4f", e - s }')")
      echo "  run $run: ${times[-1]} s"
    done
    medians[$profile]=$(median "${times[@]}")
  fi
done

step "summary (goal: under 1 s)"
for profile in "${profiles[@]}"; do
  printf '  %-8s target/%s/xtask regen: median %.3f s\n' "$profile" "$profile" "${medians[$profile]}"
done
if [[ -n "${medians[release]:-}" ]]; then
  awk -v d="${medians[debug]}" -v r="${medians[release]}" \
    'BEGIN { printf "  debug / release: %.2fx\n", d / r }'
fi
