"""Log-likelihood scoring of continuations with one prompt prefill whose KV cache every continuation shares.

All continuations are packed into ONE sequence after the cached prompt; a block-diagonal causal mask keeps each
continuation blind to the others, and explicit position ids restart each one right after the prompt. This avoids
copying the prompt's KV cache once per candidate (which on CPU costs more than the candidates themselves).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import torch


def common_prefix_len(a: Sequence[int], b: Sequence[int]) -> int:
    n = min(len(a), len(b))
    for i in range(n):
        if a[i] != b[i]:
            return i
    return n


@dataclass
class _CachedPrefix:
    ids: list[int]
    layers: list[tuple[torch.Tensor, torch.Tensor]]  # per layer (keys, values), [1, heads, len(ids), head_dim]
    last_logits: torch.Tensor  # [vocab], predicts the token after ids


class PrefixScorer:
    """Scores continuations after prompts; keeps the last prompt's KV cache so a prompt sharing its start is cheap."""

    def __init__(self, model: Any, tokenizer: Any) -> None:
        self.model = model
        self.tokenizer = tokenizer
        self._cached: _CachedPrefix | None = None
        self.last_prefill_tokens = 0  # prompt tokens actually run through the model by the last score()
        self.last_scored_tokens = 0  # continuation tokens run by the last score()

    @property
    def device(self) -> torch.device:
        return next(self.model.parameters()).device

    def encode(self, text: str) -> list[int]:
        return list(self.tokenizer(text, add_special_tokens=False)["input_ids"])

    def start_token(self) -> int:
        tok = self.tokenizer
        for candidate in (tok.bos_token_id, tok.eos_token_id, 0):
            if candidate is not None:
                return int(candidate)
        return 0

    def clear(self) -> None:
        self._cached = None

    # -- the prompt prefix ------------------------------------------------------------------------------------------

    def _prefix_state(self, ids: list[int]) -> _CachedPrefix:
        """KV cache and next-token logits for `ids`, reusing the longest shared start of the previous prompt."""
        cached = self._cached
        if cached is not None and cached.ids == ids:
            self.last_prefill_tokens = 0
            return cached
        reuse = 0
        if cached is not None:
            # Keep at least one token to run, so the forward pass yields the last position's logits.
            reuse = min(common_prefix_len(cached.ids, ids), len(ids) - 1)
        from transformers import DynamicCache

        cache = DynamicCache()
        if reuse > 0 and cached is not None:
            cache = DynamicCache(ddp_cache_data=[(k[:, :, :reuse], v[:, :, :reuse]) for k, v in cached.layers])
        new_ids = torch.tensor([ids[reuse:]], device=self.device)
        with torch.inference_mode():
            out = self.model(input_ids=new_ids, cache=cache, use_cache=True, logits_to_keep=1)
        layers = [(layer.keys, layer.values) for layer in out.cache.layers]
        self._cached = _CachedPrefix(ids=list(ids), layers=layers, last_logits=out.logits[0, -1].float())
        self.last_prefill_tokens = len(ids) - reuse
        return self._cached

    # -- scoring ----------------------------------------------------------------------------------------------------

    def score(self, prompt: str, continuations: Sequence[str]) -> list[float]:
        """Sum of log-probs of each continuation's tokens after `prompt` (prompt+continuation tokenized together)."""
        if not continuations:
            return []
        prompt_ids = self.encode(prompt)
        full = [self.encode(prompt + c) for c in continuations]
        # Token index where each continuation's own tokens begin; a token merged across the boundary is its own.
        starts = [common_prefix_len(prompt_ids, f) for f in full]
        active = [i for i, (s, f) in enumerate(zip(starts, full, strict=True)) if len(f) > s]
        results = [0.0] * len(continuations)  # an empty continuation has log-likelihood 0
        if not active:
            return results
        if min(starts[i] for i in active) == 0:
            # Nothing shared to condition on (empty prompt): prepend a start token so every token is predicted.
            start = self.start_token()
            full = [[start, *f] for f in full]
            starts = [s + 1 for s in starts]
        shared = min(starts[i] for i in active)
        prefix = self._prefix_state(full[active[0]][:shared])
        scores = self._score_packed(prefix, [full[i] for i in active], [starts[i] for i in active], shared)
        for index, value in zip(active, scores, strict=True):
            results[index] = value
        return results

    def _score_packed(
        self, prefix: _CachedPrefix, full: list[list[int]], starts: list[int], shared: int
    ) -> list[float]:
        segments = [f[shared:] for f in full]
        packed: list[int] = []
        positions: list[int] = []
        owners: list[int] = []
        for index, segment in enumerate(segments):
            packed.extend(segment)
            positions.extend(range(shared, shared + len(segment)))
            owners.extend([index] * len(segment))
        self.last_scored_tokens = len(packed)
        # Logits at packed index p predict packed token p+1 of the same segment; the first token of each segment is
        # predicted by the prompt's last logits.
        needed = [p for p in range(len(packed) - 1) if owners[p] == owners[p + 1]]
        scores = [0.0] * len(full)
        first_logprobs = torch.log_softmax(prefix.last_logits, dim=-1)
        for index, segment in enumerate(segments):
            if shared >= starts[index]:
                scores[index] += float(first_logprobs[segment[0]])
        if not needed:
            return scores
        from transformers import DynamicCache

        device = self.device
        q = len(packed)
        owner_t = torch.tensor(owners, device=device)
        pos_t = torch.tensor(positions, device=device)
        same_segment = owner_t[:, None] == owner_t[None, :]
        causal = pos_t[:, None] >= pos_t[None, :]
        allowed = torch.cat([torch.ones(q, shared, dtype=torch.bool, device=device), same_segment & causal], dim=1)
        dtype = next(self.model.parameters()).dtype
        # A float mask (0 = attend, min = blocked) works for both the eager and SDPA attention kernels.
        mask = torch.zeros(1, 1, q, shared + q, dtype=dtype, device=device)
        mask.masked_fill_(~allowed[None, None], torch.finfo(dtype).min)
        cache = DynamicCache(ddp_cache_data=list(prefix.layers))
        keep = torch.tensor(needed, device=device)
        with torch.inference_mode():
            out = self.model(
                input_ids=torch.tensor([packed], device=device),
                attention_mask=mask,
                position_ids=pos_t[None],
                cache=cache,
                use_cache=True,
                logits_to_keep=keep,
            )
        logprobs = torch.log_softmax(out.logits[0].float(), dim=-1)
        targets = torch.tensor([packed[p + 1] for p in needed], device=device)
        token_logprobs = logprobs.gather(1, targets[:, None])[:, 0].tolist()
        for row, p in enumerate(needed):
            index = owners[p]
            if positions[p + 1] >= starts[index]:
                scores[index] += token_logprobs[row]
        return scores

    def score_naive(self, prompt: str, continuations: Sequence[str]) -> list[float]:
        """Reference: one full forward pass per continuation, no cache (for tests and the benchmark)."""
        prompt_ids = self.encode(prompt)
        results: list[float] = []
        for continuation in continuations:
            ids = self.encode(prompt + continuation)
            start = common_prefix_len(prompt_ids, ids)
            if start >= len(ids):
                results.append(0.0)
                continue
            start = min(start, len(ids) - 1)
            if start == 0:
                ids = [self.start_token(), *ids]
                start = 1
            with torch.inference_mode():
                logits = self.model(input_ids=torch.tensor([ids], device=self.device)).logits[0].float()
            logprobs = torch.log_softmax(logits[:-1], dim=-1)
            targets = torch.tensor(ids[1:], device=self.device)
            token_logprobs = logprobs.gather(1, targets[:, None])[:, 0]
            results.append(float(token_logprobs[start - 1 :].sum()))
        return results
