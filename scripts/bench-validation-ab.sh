#!/usr/bin/env bash
# Request validation of the createPost example, two builds side by side: runs
# the criterion arm `client/request_validation/check_create_post_bytes` of two
# bench binaries in turn, ROUNDS times each (A, B, A, B, ...), and prints each
# run's median (criterion's, from its estimates.json), the median of each
# side and their ratio B/A.
#
# Usage: scripts/bench-validation-ab.sh BENCH_A BENCH_B [ROUNDS]
#   BENCH_x: a `client` bench binary, e.g. from
#   `CARGO_TARGET_DIR=/tmp/a cargo bench -p generated-client --bench client --no-run`
#   at each commit (the path cargo prints after "Executable benches/client.rs").
set -euo pipefail
a=$1 b=$2 rounds=${3:-5}
arm=client/request_validation/check_create_post_bytes
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
median_of_run() {
  # Criterion writes its estimates under $CARGO_TARGET_DIR/criterion.
  rm -rf "$out/criterion"
  CARGO_TARGET_DIR=$out "$1" --bench "$arm" --noplot >/dev/null 2>&1
  python3 -c 'import json,sys; print("%.1f" % json.load(open(sys.argv[1]))["median"]["point_estimate"])' \
    "$out/criterion/client_request_validation/check_create_post_bytes/new/estimates.json"
}
as=() bs=()
for i in $(seq "$rounds"); do
  as+=("$(median_of_run "$a")")
  bs+=("$(median_of_run "$b")")
  echo "round $i: A ${as[-1]} ns, B ${bs[-1]} ns"
done
python3 - "${as[*]}" "${bs[*]}" <<'PY'
import statistics, sys
a = [float(x) for x in sys.argv[1].split()]
b = [float(x) for x in sys.argv[2].split()]
ma, mb = statistics.median(a), statistics.median(b)
print(f"median A {ma:.1f} ns, median B {mb:.1f} ns, B/A {mb/ma:.3f}")
print(f"median of round ratios B/A {statistics.median(y/x for x, y in zip(a, b)):.3f}")
PY
