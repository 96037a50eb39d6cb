#!/bin/sh
# The reference run reported in the README: the simulated dataset, all stages at the tiny size
# (32 px) with the default steps, then the evaluation beside the baselines. About 40 minutes on
# 2 CPU cores (WASM). Usage: sh scripts/reference-run.sh [run folder]
set -e
cd "$(dirname "$0")/.."
RUN="${1:-../../.cache/cdm-runs/tiny32}"
npx tsx src/cli.ts simulate
npx tsx src/cli.ts train --size tiny --out "$RUN"
npx tsx src/cli.ts evaluate --model "$RUN/model" --out "$RUN/evaluation" --force
