#!/usr/bin/env bash
# Times `cargo xtask docs` over the pages with the binary built (the dev
# profile, as `cargo xtask` builds it): ROUNDS runs of the binary itself, after
# one warm-up, each timed as a whole process; prints the median, min and max
# wall time in milliseconds against the 200 ms budget.
#
#   scripts/bench-docs.sh [ROUNDS] [DOCS_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-21}
docs=${2:-../shared/docs}
cargo build -p xtask --quiet
target_dir=$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')
binary="$target_dir/debug/xtask"
"$binary" docs --docs "$docs" > /dev/null
python3 - "$binary" "$docs" "$rounds" <<'PY'
import statistics, subprocess, sys, time
binary, docs, rounds = sys.argv[1], sys.argv[2], int(sys.argv[3])
times = []
for _ in range(rounds):
    start = time.perf_counter()
    subprocess.run([binary, "docs", "--docs", docs], check=True, stdout=subprocess.DEVNULL)
    times.append((time.perf_counter() - start) * 1000)
median = statistics.median(times)
print(f"cargo xtask docs over {docs}, {rounds} runs of the built binary (whole process):")
print(f"  median {median:.1f} ms, min {min(times):.1f} ms, max {max(times):.1f} ms")
print(f"  budget 200 ms: median is {median / 200:.2f} of it")
PY
