#!/usr/bin/env bash
# What generated-client adds to a downstream crate's clean build.
#
# Requirement: a downstream crate's clean build with generated-client at
# `default-features = false` costs at most 1.10x the clean build of
# generated-client's runtime dependencies alone.
#
# In a temporary directory, two throwaway crates, each with its own target dir:
#   A  depends on generated-client (path dependency, default-features = false)
#      and calls `Client::builder()`;
#   B  depends on exactly generated-client's runtime dependencies (read with
#      `cargo metadata` from generated-client/Cargo.toml [dependencies]: same
#      requirements, features and default-features; optional ones left out, as
#      without features they are off), with an empty main.
# Both get a copy of the workspace Cargo.lock so the versions match. Each is
# built from clean N times, alternating A and B, in the dev profile.
# CARGO_INCREMENTAL defaults to 0 here: a path dependency is compiled
# incrementally, a registry or git one (how a downstream crate gets
# generated-client) is not. Set CARGO_INCREMENTAL=1 to measure with it.
#
# Then times generated-client's own share: A rebuilt after
# `cargo clean -p generated-client`, which gives an estimate of the ratio that
# a busy machine disturbs less than the two long builds do.
#
# Also fails when a generator crate is in A's `cargo tree`.
#
# Usage: scripts/build-cost.sh [--runs N] [--report-only] [--release] [--keep]
#   --runs N        clean builds of each crate (default 3)
#   --report-only   print the figures, do not fail on a ratio above 1.10
#   --release       build with --release instead of the dev profile
#   --keep          keep the temporary directory
# Needs jq.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

runs=3
report_only=false
keep=false
profile_flag=()
profile_name=dev
limit=1.10
generators=(progenitor progenitor-impl typify typify-impl openapiv3 serde_yaml codegen)
while [[ $# -gt 0 ]]; do
  case "$1" in
    --runs) runs="$2"; shift 2 ;;
    --report-only) report_only=true; shift ;;
    --release) profile_flag=(--release); profile_name=release; shift ;;
    --keep) keep=true; shift ;;
    -h | --help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    *) echo "error: unknown argument \`$1\` (see --help)" >&2; exit 2 ;;
  esac
done
command -v jq >/dev/null || { echo "error: jq is needed to read cargo metadata: install it (apt-get install -y jq)" >&2; exit 2; }
export CARGO_INCREMENTAL="${CARGO_INCREMENTAL:-0}"
if [[ -n "${RUSTC_WRAPPER:-}" ]]; then
  echo "warning: RUSTC_WRAPPER=$RUSTC_WRAPPER is set; a compiler cache makes clean builds meaningless" >&2
fi

step() { printf '\n==> %s\n' "$*"; }

work=$(mktemp -d -t build-cost.XXXXXX)
if [[ "$keep" == true ]]; then
  echo "keeping $work"
else
  trap 'rm -rf "$work"' EXIT
fi

step "reading generated-client's runtime dependencies (cargo metadata)"
dependencies=$(cargo metadata --format-version 1 --no-deps --offline 2>/dev/null ||
  cargo metadata --format-version 1 --no-deps)
runtime_deps=$(jq -r '
  .packages[] | select(.name == "generated-client") | .dependencies[]
  | select(.kind == null and .optional == false)
  | if .target != null or .rename != null or (.source // "" | startswith("registry+") | not)
    then error("unsupported dependency \(.name): update scripts/build-cost.sh") else . end
  | "\(.name) = { version = \"\(.req)\", default-features = \(.uses_default_features), features = \(.features | tojson) }"
' <<<"$dependencies")
echo "$runtime_deps"

step "creating the throwaway crates in $work"
mkdir -p "$work/a/src" "$work/b/src"
cat >"$work/a/Cargo.toml" <<EOF
[package]
name = "build-cost-a"
version = "0.0.0"
edition = "2024"
publish = false

[dependencies]
generated-client = { path = "$root/generated-client", default-features = false }

[workspace]
EOF
cat >"$work/a/src/main.rs" <<'EOF'
fn main() {
    let client = generated_client::Client::builder().bearer_token("t").build();
    println!("{}", client.is_ok());
}
EOF
cat >"$work/b/Cargo.toml" <<EOF
[package]
name = "build-cost-b"
version = "0.0.0"
edition = "2024"
publish = false

[dependencies]
$runtime_deps

[workspace]
EOF
echo 'fn main() {}' >"$work/b/src/main.rs"
cp Cargo.lock "$work/a/Cargo.lock"
cp Cargo.lock "$work/b/Cargo.lock"

offline=(--offline)
step "cargo fetch (offline if the registry cache suffices)"
for crate in a b; do
  if ! (cd "$work/$crate" && cargo fetch --offline -q 2>/dev/null); then
    echo "crate $crate: the registry cache does not suffice, fetching online"
    (cd "$work/$crate" && cargo fetch -q)
  fi
done
echo "builds run with ${offline[*]}"

step "cargo tree of A: no generator crate may be in it"
tree_a=$(cd "$work/a" && cargo tree "${offline[@]}" -e normal,build --prefix none)
found=()
for generator in "${generators[@]}"; do
  if grep -q "^${generator} v" <<<"$tree_a"; then
    found+=("$generator")
  fi
done
if [[ ${#found[@]} -gt 0 ]]; then
  echo "error: generator crates in the graph of a crate using generated-client with default-features = false: ${found[*]}" >&2
  exit 1
fi
echo "none of ${generators[*]}"

step "A's graph minus generated-client vs B's graph (must be the same packages)"
packages() { sed -e 's/ (\*)$//' -e 's/ (proc-macro)$//' | grep -v '^build-cost-' | sort -u; }
tree_b=$(cd "$work/b" && cargo tree "${offline[@]}" -e normal,build --prefix none)
difference=$(diff <(packages <<<"$tree_a" | grep -v '^generated-client ') <(packages <<<"$tree_b") || true)
if [[ -n "$difference" ]]; then
  echo "warning: the graphs differ (< only in A, > only in B); the comparison is not like for like:" >&2
  echo "$difference" >&2
else
  echo "same $(packages <<<"$tree_b" | wc -l) packages"
fi

# "WALL CPU": seconds of wall-clock time and of CPU time (user + system, all
# compiler processes) taken by a clean build of crate $1.
clean_build() {
  local dir="$work/$1"
  rm -rf "$dir/target"
  local TIMEFORMAT='%R %U %S' timing
  if ! timing=$({ time (cd "$dir" && cargo build "${offline[@]}" "${profile_flag[@]}" -q 2>"$dir/build.log"); } 2>&1); then
    echo "error: the build of crate ${1^^} failed:" >&2
    cat "$dir/build.log" >&2
    return 1
  fi
  awk '{ printf "%.2f %.2f", $1, $2 + $3 }' <<<"$timing"
}

# The median of the numbers given as arguments.
median() {
  printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END {
    if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

step "clean builds ($profile_name profile, CARGO_INCREMENTAL=$CARGO_INCREMENTAL, $(nproc) cores), $runs of each, alternating"
times_a=()
times_b=()
cpu_a=()
cpu_b=()
pair_ratios=()
for ((run = 1; run <= runs; run++)); do
  # Alternate which goes first, so a drift in load falls on both.
  if ((run % 2)); then order=(a b); else order=(b a); fi
  for crate in "${order[@]}"; do
    timing=$(clean_build "$crate")
    read -r wall cpu <<<"$timing"
    echo "  run $run: ${crate^^} ${wall} s wall, ${cpu} s CPU"
    if [[ "$crate" == a ]]; then
      times_a+=("$wall")
      cpu_a+=("$cpu")
    else
      times_b+=("$wall")
      cpu_b+=("$cpu")
    fi
  done
  pair_ratios+=("$(awk -v a="${times_a[-1]}" -v b="${times_b[-1]}" 'BEGIN { printf "%.3f", a / b }')")
done

step "generated-client's own share: rebuild of A after \`cargo clean -p generated-client\`, $runs times"
# Short and repeatable, so steadier than the difference of two long builds:
# it compiles generated-client's build script and library and links A.
marginal=()
marginal_cpu=()
for ((run = 1; run <= runs; run++)); do
  (cd "$work/a" && cargo clean "${offline[@]}" "${profile_flag[@]}" -q -p generated-client)
  TIMEFORMAT='%R %U %S'
  timing=$({ time (cd "$work/a" && cargo build "${offline[@]}" "${profile_flag[@]}" -q); } 2>&1)
  read -r wall cpu <<<"$(awk '{ printf "%.2f %.2f", $1, $2 + $3 }' <<<"$timing")"
  echo "  run $run: ${wall} s wall, ${cpu} s CPU"
  marginal+=("$wall")
  marginal_cpu+=("$cpu")
done

ratio_of() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a / b }'; }
median_a=$(median "${times_a[@]}")
median_b=$(median "${times_b[@]}")
ratio=$(ratio_of "$median_a" "$median_b")
cpu_median_a=$(median "${cpu_a[@]}")
cpu_median_b=$(median "${cpu_b[@]}")
step "summary"
echo "  wall-clock seconds (what the limit applies to):"
echo "    A (downstream crate using generated-client): ${times_a[*]}; median ${median_a}"
echo "    B (generated-client's runtime deps alone):   ${times_b[*]}; median ${median_b}"
echo "    ratio of medians A/B: ${ratio} (limit ${limit}); per run: ${pair_ratios[*]}; median of those $(median "${pair_ratios[@]}")"
median_marginal=$(median "${marginal[@]}")
echo "  generated-client's own share (wall): ${marginal[*]}; median ${median_marginal}"
echo "    estimated ratio (median B + share) / median B: $(awk -v b="$median_b" -v m="$median_marginal" 'BEGIN { printf "%.3f", (b + m) / b }')"
echo "  CPU seconds (user + system; less sensitive to a busy machine):"
echo "    A: ${cpu_a[*]}; median ${cpu_median_a}"
echo "    B: ${cpu_b[*]}; median ${cpu_median_b}"
echo "    ratio of medians A/B: $(ratio_of "$cpu_median_a" "$cpu_median_b")"
median_marginal_cpu=$(median "${marginal_cpu[@]}")
echo "  generated-client's own share (CPU): ${marginal_cpu[*]}; median ${median_marginal_cpu}"
echo "    estimated ratio (median B + share) / median B: $(awk -v b="$cpu_median_b" -v m="$median_marginal_cpu" 'BEGIN { printf "%.3f", (b + m) / b }')"
if awk -v r="$ratio" -v l="$limit" 'BEGIN { exit !(r > l) }'; then
  if [[ "$report_only" == true ]]; then
    echo "  above the limit (--report-only: not failing)"
  else
    echo "error: a downstream build costs ${ratio}x its runtime dependencies alone, above ${limit}x" >&2
    exit 1
  fi
else
  echo "  within the limit"
fi
