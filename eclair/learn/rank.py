"""The listwise ("rank") objective: train the decision the scoring agent actually makes.

The agent does not generate; it picks the argmax of log-likelihood(candidate | prompt) + offset over its candidates
(the offset being the task-less PMI prior and heuristic priors). SFT on the chosen completion raises that
candidate's likelihood without regard to its siblings; here the loss is the cross-entropy of the chosen index under
softmax((ll + offset) / tau), so the gradient moves exactly the margins the argmax looks at.

Each row runs as ONE forward pass: prompt tokens, then a token trie of all candidates under a tree attention mask
with explicit position ids (as `eclair.models.scoring.PrefixScorer._score_packed` does at inference, without a KV
cache, so gradients flow through the prompt too). This is a plain torch loop, not a TRL trainer: TRL has no
listwise objective over packed candidates.
"""

from __future__ import annotations

import logging
import math
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from eclair.models.scoring import common_prefix_len, encode, start_token, token_trie, tree_attention

if TYPE_CHECKING:
    import torch

    from eclair.learn.train import TrainConfig

log = logging.getLogger(__name__)


@dataclass
class PackedRow:
    """One rank row as token ids: prompt (`prefix`) then trie nodes; which logits row predicts which target."""

    prefix: list[int]  # prompt tokens (left-truncated to fit max_length)
    tokens: list[int]  # trie nodes, after the prefix
    parents: list[int]  # per node: its parent node, -1 for a child of the prompt
    depths: list[int]  # per node: depth after the prompt (its position is len(prefix) + depth)
    rows: list[int]  # per scored target: the sequence index whose logits predict it
    targets: list[int]  # per scored target: the token id
    owners: list[int]  # per scored target: the candidate it belongs to
    count: int  # candidates in the row (empty ones score 0, like PrefixScorer.score)
    offsets: list[float]
    chosen: int

    @property
    def length(self) -> int:
        return len(self.prefix) + len(self.tokens)


def pack_row(
    tokenizer: Any,
    prompt: str,
    continuations: Sequence[str],
    max_length: int,
    offsets: Sequence[float] | None = None,
    chosen: int = 0,
) -> PackedRow:
    """Tokenize as `PrefixScorer.score` does (prompt+continuation together; a continuation's tokens start where it
    leaves the prompt's ids) and build the trie. A prompt too long for `max_length` loses its start: the tail holds
    the task and the action history."""
    prompt_ids = encode(tokenizer, prompt)
    full = [encode(tokenizer, prompt + c) for c in continuations]
    starts = [common_prefix_len(prompt_ids, f) for f in full]
    active = [i for i, (s, f) in enumerate(zip(starts, full, strict=True)) if len(f) > s]
    offsets = list(offsets) if offsets is not None else [0.0] * len(continuations)
    empty = PackedRow(prompt_ids[-max_length:], [], [], [], [], [], [], len(continuations), offsets, chosen)
    if not active:
        return empty
    if min(starts[i] for i in active) == 0:  # nothing to condition on: a start token predicts the first token
        full = [[start_token(tokenizer), *f] for f in full]
        starts = [s + 1 for s in starts]
    shared = min(starts[i] for i in active)
    prefix = full[active[0]][:shared]
    segments = [full[index][shared:] for index in active]
    tokens, parents, depths, paths = token_trie(segments)
    rows: list[int] = []
    targets: list[int] = []
    owners: list[int] = []
    for index, segment, path in zip(active, segments, paths, strict=True):
        for depth, token in enumerate(segment):
            if shared + depth >= starts[index]:  # tokens still equal to the prompt's belong to the prompt
                # the last prompt token predicts a segment's first token, its node each later one
                rows.append(shared - 1 if depth == 0 else shared + path[depth - 1])
                targets.append(token)
                owners.append(index)
    cut = max(0, min(shared + len(tokens) - max_length, shared - 1))
    if shared + len(tokens) - cut > max_length:
        log.warning("rank row of %d candidate tokens exceeds max_length %d; kept it whole", len(tokens), max_length)
    rows = [r - cut for r in rows]
    return PackedRow(prefix[cut:], tokens, parents, depths, rows, targets, owners, len(continuations), offsets, chosen)


def candidate_logliks(model: Any, packed: PackedRow) -> torch.Tensor:
    """Summed log-prob of each candidate after the prompt, from one forward over prompt + trie ([count], float32).

    Differentiable: call under torch.no_grad() to score only."""
    import torch

    device = model.get_input_embeddings().weight.device
    if not packed.rows:
        return torch.zeros(packed.count, device=device)
    dtype = model.get_input_embeddings().weight.dtype
    n_prefix, n_nodes = len(packed.prefix), len(packed.tokens)
    length = n_prefix + n_nodes
    allowed = torch.zeros(length, length, dtype=torch.bool)
    allowed[:n_prefix, :n_prefix] = torch.ones(n_prefix, n_prefix, dtype=torch.bool).tril()
    allowed[n_prefix:, :n_prefix] = True  # every node sees the whole prompt
    allowed[n_prefix:, n_prefix:] = tree_attention(packed.parents)  # ... its ancestors and itself
    # A float mask (0 = attend, min = blocked) works for both the eager and SDPA attention kernels.
    mask = torch.zeros(1, 1, length, length, dtype=dtype)
    mask.masked_fill_(~allowed[None, None], torch.finfo(dtype).min)
    positions = list(range(n_prefix)) + [n_prefix + d for d in packed.depths]
    first = n_prefix - 1  # logits are needed from the last prompt position on
    out = model(
        input_ids=torch.tensor([packed.prefix + packed.tokens], device=device),
        attention_mask=mask.to(device),
        position_ids=torch.tensor([positions], device=device),
        use_cache=False,
        logits_to_keep=length - first,
    )
    logprobs = torch.log_softmax(out.logits[0].float(), dim=-1)
    rows = torch.tensor([r - first for r in packed.rows], device=device)
    picked = logprobs[rows, torch.tensor(packed.targets, device=device)]
    owners = torch.tensor(packed.owners, device=device)
    return torch.zeros(packed.count, device=device).index_add(0, owners, picked)


def rank_loss(model: Any, packed: PackedRow, tau: float = 1.0) -> tuple[torch.Tensor, bool]:
    """Cross-entropy of the chosen candidate under softmax((ll + offset) / tau); and whether it is the argmax."""
    import torch

    logliks = candidate_logliks(model, packed)
    logits = (logliks + torch.tensor(packed.offsets, device=logliks.device)) / tau
    target = torch.tensor(packed.chosen, device=logits.device)
    loss = torch.nn.functional.cross_entropy(logits[None], target[None])
    return loss, int(logits.argmax()) == packed.chosen


def pack_rows(tokenizer: Any, rows: Sequence[dict[str, Any]], max_length: int) -> list[PackedRow]:
    packed = []
    for row in rows:
        candidates, offsets, chosen = row["candidates"], row["offsets"], int(row["chosen"])
        if len(candidates) != len(offsets) or not 0 <= chosen < len(candidates):
            raise ValueError(f"rank row has {len(candidates)} candidates, {len(offsets)} offsets, chosen {chosen}")
        packed.append(pack_row(tokenizer, row["prompt"], candidates, max_length, offsets, chosen))
    return packed


def _example_order(count: int, epochs: int, rng: random.Random) -> Iterator[int]:
    for _ in range(epochs):
        order = list(range(count))
        rng.shuffle(order)
        yield from order


def train_rank(
    peft_model: Any, tokenizer: Any, rows: Sequence[dict[str, Any]], cfg: TrainConfig, *, tau: float = 1.0
) -> tuple[float, list[dict[str, Any]]]:
    """AdamW on the trainable (LoRA) parameters, cfg.batch_size x cfg.grad_accum rows per optimizer step, linear
    decay as TRL's default; returns the mean training loss and a per-step history (rank_loss, rank_accuracy)."""
    import torch
    from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

    if not rows:
        raise ValueError("train_rank needs at least one rank row")
    packed = pack_rows(tokenizer, rows, cfg.max_length)
    params = [p for p in peft_model.parameters() if p.requires_grad]
    if not params:
        raise ValueError("the model has no trainable parameters; pass a PEFT model")
    torch.manual_seed(cfg.seed)
    shard = Shard.current()
    # batch_size is per process, as in TRL's trainers; fewer rows than a step's worth: one pass each
    per_step = max(1, min(cfg.batch_size * cfg.grad_accum * shard.world, len(packed)))
    steps = cfg.max_steps if cfg.max_steps > 0 else max(1, math.ceil(len(packed) * cfg.epochs / per_step))
    stream = _example_order(len(packed), math.ceil(steps * per_step / len(packed)), random.Random(cfg.seed))
    optimizer = torch.optim.AdamW(params, lr=cfg.learning_rate, weight_decay=0.0)
    schedule = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda step: 1.0 - step / steps)
    if getattr(peft_model, "is_activation_checkpointing", False):
        peft_model.activation_checkpointing_disable()  # SFT may leave it on; it costs a third more compute
    peft_model.train()
    history: list[dict[str, Any]] = []
    total = 0.0
    seen = 0
    progress = Progress(
        TextColumn("rank"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TextColumn("loss {task.fields[loss]}"),
        TimeRemainingColumn(),
        transient=True,
    )
    with progress:
        bar = progress.add_task("rank", total=steps, loss="-")
        for step in range(1, steps + 1):
            loss_sum, hits, count = 0.0, 0, 0
            for index in shard.of([next(stream) for _ in range(per_step)]):
                loss, hit = rank_loss(peft_model, packed[index], tau)
                if loss.requires_grad:  # a row whose candidates are all empty has nothing to train
                    (loss / per_step).backward()
                loss_sum, hits, count = loss_sum + float(loss.detach()), hits + hit, count + 1
            shard.sum_gradients(params)
            torch.nn.utils.clip_grad_norm_(params, 1.0)  # TRL's default max_grad_norm
            optimizer.step()
            schedule.step()
            optimizer.zero_grad(set_to_none=True)
            loss_sum, hits, count = shard.sum_stats(loss_sum, hits, count)
            mean = loss_sum / count
            total += loss_sum
            seen += count
            history.append(
                {
                    "step": step,
                    "rank_loss": mean,
                    "rank_accuracy": hits / count,
                    "learning_rate": schedule.get_last_lr()[0],
                }
            )
            progress.update(bar, completed=step, loss=f"{mean:.3f}")
    peft_model.eval()
    return total / max(seen, 1), history


@dataclass(frozen=True)
class Shard:
    """This process's share of a data-parallel run (`accelerate launch`, torchrun): every process walks the same
    row order, trains on every `world`-th row of each step, and the gradients are summed before the update, so N
    processes take the same steps as one."""

    rank: int = 0
    world: int = 1

    @classmethod
    def current(cls) -> Shard:
        import torch.distributed as dist

        if dist.is_available() and dist.is_initialized():
            return cls(dist.get_rank(), dist.get_world_size())
        return cls()

    def of(self, indices: list[int]) -> list[int]:
        return indices[self.rank :: self.world]

    def sum_gradients(self, params: Sequence[torch.Tensor]) -> None:
        if self.world == 1:
            return
        import torch
        import torch.distributed as dist

        for param in params:  # a process whose rows were all empty still takes part, with zeros
            if param.grad is None:
                param.grad = torch.zeros_like(param)
            dist.all_reduce(param.grad, op=dist.ReduceOp.SUM)

    def sum_stats(self, loss_sum: float, hits: int, count: int) -> tuple[float, int, int]:
        if self.world == 1:
            return loss_sum, hits, count
        import torch
        import torch.distributed as dist

        device = "cuda" if dist.get_backend() == "nccl" else "cpu"
        totals = torch.tensor([loss_sum, float(hits), float(count)], dtype=torch.float64, device=device)
        dist.all_reduce(totals, op=dist.ReduceOp.SUM)
        return float(totals[0]), int(totals[1]), int(totals[2])


def mean_rank_loss(model: Any, tokenizer: Any, rows: Sequence[dict[str, Any]], max_length: int) -> float:
    """The rank loss over `rows` without training (evaluation and tests)."""
    import torch

    with torch.no_grad():
        losses = [float(rank_loss(model, p)[0]) for p in pack_rows(tokenizer, rows, max_length)]
    return sum(losses) / max(len(losses), 1)
