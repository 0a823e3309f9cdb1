#!/usr/bin/env bash
# Prints the median (with its 95% confidence interval) of every benchmark of
# the last `cargo bench` run, from target/criterion/**/new/estimates.json.
# Criterion's own summary line shows the mean; BENCHMARKS.md quotes medians.
#
# Usage: scripts/criterion-medians.sh [FILTER]   (FILTER: a substring of the id)
# Needs jq.
set -euo pipefail
cd "$(dirname "$0")/.."

filter="${1:-}"
command -v jq >/dev/null || { echo "error: jq is needed: install it (apt-get install -y jq)" >&2; exit 2; }
if [[ ! -d target/criterion ]]; then
  echo "error: no target/criterion: run \`cargo bench\` first" >&2
  exit 1
fi

echo "median [95% CI] of the last run, from target/criterion"
find target/criterion -path '*/new/benchmark.json' | sort | while read -r benchmark; do
  id=$(jq -r .full_id "$benchmark")
  [[ -z "$filter" || "$id" == *"$filter"* ]] || continue
  jq -r --arg id "$id" '
    def unit: if . >= 1e9 then "\(. / 1e9 * 1000 | round / 1000) s"
      elif . >= 1e6 then "\(. / 1e6 * 100 | round / 100) ms"
      elif . >= 1e3 then "\(. / 1e3 * 100 | round / 100) us"
      else "\(. | round) ns" end;
    .median | "  \($id): \(.point_estimate | unit) [\(.confidence_interval.lower_bound | unit) .. \(.confidence_interval.upper_bound | unit)]"
  ' "$(dirname "$benchmark")/estimates.json"
done
