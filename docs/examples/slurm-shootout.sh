#!/usr/bin/env bash
# One shootout plan split over the nodes of a Slurm job array — one shard
# per array task — then merged into one run directory and its report:
#
#   jobid=$(sbatch --parsable --array=1-4 docs/examples/slurm-shootout.sh)
#   sbatch --dependency=afterany:"$jobid" docs/examples/slurm-shootout.sh merge
#
# Every task runs the same command line with its own `--shard K/N`; each
# computes the same split from the plan alone, so the tasks need nothing from
# each other. Exit status as the command's: 1 when cells failed (a task) or
# shards are missing (the merge; the report says which workloads were not
# run). `afterany` lets the merge run whatever the tasks' status. Run on nodes of one machine type: for
# several types, run one array per type and merge the merged runs
# (alloc-shootout merge RUN_A RUN_B --out DIR) into a cross-machine report.
#
# Set from the environment (sbatch --export or before sbatch):
#   SHOOTOUT  the built command (default: alloc-shootout in PATH)
#   PLAN      the options of `alloc-shootout run` (default below)
#   OUT       a directory every node can write (default: shootout-runs)
#
#SBATCH --job-name=alloc-shootout
#SBATCH --nodes=1
#SBATCH --ntasks=1
#SBATCH --exclusive
#SBATCH --time=01:00:00
set -euo pipefail

SHOOTOUT=${SHOOTOUT:-alloc-shootout}
PLAN=${PLAN:--a std,jemalloc,mimalloc --profile quick}
OUT=${OUT:-shootout-runs}
read -r -a plan <<< "$PLAN"

if [ "${1:-}" = merge ]; then
  exec "$SHOOTOUT" merge "$OUT"/shard-* --out "$OUT/merged"
fi
exec "$SHOOTOUT" run "${plan[@]}" --shard "$SLURM_ARRAY_TASK_ID/$SLURM_ARRAY_TASK_COUNT" \
  --out "$OUT/shard-$SLURM_ARRAY_TASK_ID"
