#!/usr/bin/env bash
# benchmarks/train.py at the larger size, on a GPU machine: the same trainers, data and
# rewards as the CPU figures, nothing downloaded (the model is built here from scratch).
#
# Run from the repository root on a machine with one CUDA GPU and a venv that has the
# `train` extra with a CUDA build of torch:
#     PYTHON=.venv/bin/python bash benchmarks/train_gpu.sh [OUT_DIR]
# Writes OUT_DIR/train_gpu.json (the figures) and OUT_DIR/train_gpu.log; the exit
# status is benchmarks/train.py's (1 when the learning run's reward does not rise).
set -euo pipefail

PYTHON=${PYTHON:-python}
OUT=${1:-${OUT:-gpu-figures}}
SIZE=${SIZE:-small}
STEPS=${STEPS:-20}
LEARN_STEPS=${LEARN_STEPS:-300}
mkdir -p "$OUT"

# Fail early and clearly when there is no GPU, instead of measuring the CPU by mistake.
"$PYTHON" - <<'EOF'
import sys

import torch

if not torch.cuda.is_available():
    sys.exit(f"no CUDA device visible to torch {torch.__version__}: this script is for a GPU machine")
props = torch.cuda.get_device_properties(0)
print(f"GPU: {props.name}, {props.total_memory / 2**30:.0f} GiB; torch {torch.__version__}")
EOF
command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,memory.used,memory.total --format=csv

PYTHONPATH=${PYTHONPATH:-src} "$PYTHON" benchmarks/train.py \
  --size "$SIZE" --steps "$STEPS" --learn-steps "$LEARN_STEPS" \
  --json "$OUT/train_gpu.json" 2>&1 | tee "$OUT/train_gpu.log"
exit "${PIPESTATUS[0]}"
