#!/usr/bin/env bash
# Observer GRPO on verl, many GPUs, with aoi.train's reward and the paper's settings
# (LoRA r64/alpha128 on every linear projection, lr 1e-5, G = 4, 16 completions per
# step, 3 epochs, KL 0.04). Needs: pip install 'aoi[train]' verl vllm, and a data
# folder written by `aoi train verl-data --teacher observer-train --out DATA`.
#
#   MODEL=/models/Qwen3-14B DATA=/data/aoi-verl GPUS=8 bash observer_grpo.sh [more overrides]
set -euo pipefail
: "${MODEL:?set MODEL to a local model directory}"
: "${DATA:?set DATA to the folder aoi train verl-data wrote}"
GPUS="${GPUS:-8}"
OUT="${OUT:-runs/verl-observer}"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REWARD="$(python -c 'import aoi.train.verl_reward as m; print(m.__file__)')"

python -m verl.trainer.main_ppo \
  algorithm.adv_estimator=grpo \
  data.train_files="$DATA/train.parquet" \
  data.val_files="$DATA/test.parquet" \
  data.prompt_key=prompt \
  data.train_batch_size=4 \
  data.max_prompt_length=12288 \
  data.max_response_length=1024 \
  data.filter_overlong_prompts=True \
  actor_rollout_ref.model.path="$MODEL" \
  actor_rollout_ref.model.lora_rank=64 \
  actor_rollout_ref.model.lora_alpha=128 \
  actor_rollout_ref.model.target_modules=all-linear \
  actor_rollout_ref.actor.optim.lr=1e-5 \
  actor_rollout_ref.actor.ppo_mini_batch_size=4 \
  actor_rollout_ref.actor.use_kl_loss=True \
  actor_rollout_ref.actor.kl_loss_coef=0.04 \
  actor_rollout_ref.rollout.name=vllm \
  actor_rollout_ref.rollout.mode=async \
  actor_rollout_ref.rollout.n=4 \
  actor_rollout_ref.rollout.temperature=0.7 \
  actor_rollout_ref.rollout.agent.agent_loop_config_path="$HERE/agent_loop.yaml" \
  reward.custom_reward_function.path="$REWARD" \
  reward.custom_reward_function.name=compute_score \
  trainer.total_epochs=3 \
  trainer.n_gpus_per_node="$GPUS" \
  trainer.nnodes=1 \
  trainer.default_local_dir="$OUT" \
  trainer.logger='["console"]' \
  "$@"
