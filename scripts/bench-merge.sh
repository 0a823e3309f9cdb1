#!/usr/bin/env bash
# Times `cargo xtask docs --draft PAGE --merge` warm, with the binary built in
# the dev profile (as `cargo xtask` builds it): a scratch copy of spec/ whose
# spec lacks the page's path item (cut from its `# ---- PAGE` separator to the
# next one), merged ROUNDS times after one warm-up, the spec restored before
# each run. Prints the median, min and max wall time in milliseconds against
# the 1 s budget. The default page, get-user.v3.txt, reuses the spec's User
# and File components and makes one new component.
#
#   scripts/bench-merge.sh [ROUNDS] [PAGE]
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-11}
page=${2:-get-user.v3.txt}
cargo build -p xtask --quiet
target_dir=$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')
binary="$target_dir/debug/xtask"
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
mkdir -p "$scratch/spec"
cp -r spec/examples "$scratch/spec/"
python3 - spec/openapi.yaml "$scratch/reduced.yaml" "$page" <<'PY'
import sys
source, target, page = sys.argv[1:]
lines = open(source).read().split("\n")
start = next(i for i, l in enumerate(lines) if l.startswith("  # -") and l.endswith(" " + page))
end = next(i for i in range(start + 1, len(lines))
           if lines[i].startswith("  # -") or (lines[i] and not lines[i].startswith(" ")))
open(target, "w").write("\n".join(lines[:start] + lines[end:]))
PY
python3 - "$binary" "$scratch" "$page" "$rounds" "$PWD/../shared/docs" <<'PY'
import shutil, statistics, subprocess, sys, time, os
binary, scratch, page, rounds, docs = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5]
env = dict(os.environ, XTASK_PROJECT_ROOT=scratch)
def once():
    shutil.copy(f"{scratch}/reduced.yaml", f"{scratch}/spec/openapi.yaml")
    start = time.perf_counter()
    subprocess.run([binary, "docs", "--docs", docs, "--draft", page, "--merge"],
                   check=True, stdout=subprocess.DEVNULL, env=env)
    return (time.perf_counter() - start) * 1000
once()
times = [once() for _ in range(rounds)]
median = statistics.median(times)
print(f"cargo xtask docs --draft {page} --merge, {rounds} runs of the built binary (whole process):")
print(f"  median {median:.1f} ms, min {min(times):.1f} ms, max {max(times):.1f} ms")
print(f"  budget 1000 ms: median is {median / 1000:.2f} of it")
PY
