#!/usr/bin/env bash
# Mutation testing of generated-client's runtime modules with cargo-mutants
# (installed once into .tools/mutants, pinned): each mutant is built in place
# and generated-client's unit tests and `it` tests run against it; a mutant
# they do not catch is MISSED. The report goes to target/mutants (outcomes.json,
# missed.txt, caught.txt).
#
#   scripts/mutants.sh [MODULE ...]     default: retry hooks auth decode validate client_builder error
#
# Each mutant costs an incremental build of generated-client and its tests
# (about 10 s) plus the tests (about 20 s) on the 2-core machine.
set -euo pipefail
cd "$(dirname "$0")/.."
version=27.1.0
tools=.tools/mutants
if ! "$tools/bin/cargo-mutants" --version 2>/dev/null | grep -q "$version"; then
  cargo install cargo-mutants --version "$version" --locked --root "$tools"
fi
modules=("$@")
if [ ${#modules[@]} -eq 0 ]; then
  modules=(retry hooks auth decode validate client_builder error)
fi
files=()
for module in "${modules[@]}"; do
  files+=(--file "generated-client/src/$module.rs")
done
PATH="$PWD/$tools/bin:$PATH" cargo mutants --in-place --no-shuffle -o target/mutants "${files[@]}" -- --lib --test it
