"""Log-likelihood scoring of continuations with one prompt prefill whose KV cache every continuation shares.

All continuations are packed into ONE sequence after the cached prompt, as a token trie: shared starts are run once,
a tree attention mask lets each token see the prompt and its own ancestors only, and explicit position ids put each
token at its depth after the prompt. This avoids copying the prompt's KV cache once per candidate (which on CPU
costs more than the candidates themselves).
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


def encode(tokenizer: Any, text: str) -> list[int]:
    return list(tokenizer(text, add_special_tokens=False)["input_ids"])


def start_token(tokenizer: Any) -> int:
    """The token that conditions a continuation with no prompt: BOS, else EOS, else 0."""
    for candidate in (tokenizer.bos_token_id, tokenizer.eos_token_id, 0):
        if candidate is not None:
            return int(candidate)
    return 0


def tree_attention(parents: Sequence[int]) -> torch.Tensor:
    """[n, n] bool: trie node i may attend to node j when j is i itself or one of its ancestors."""
    tree = torch.zeros(len(parents), len(parents), dtype=torch.bool)
    for node, parent in enumerate(parents):
        if parent >= 0:
            tree[node] = tree[parent]
        tree[node, node] = True
    return tree


def token_trie(segments: Sequence[Sequence[int]]) -> tuple[list[int], list[int], list[int], list[list[int]]]:
    """A trie of the segments' tokens that predict a later token (a last token is only a target, never run).

    Returns per node its token, parent node (-1: a child of the prompt) and depth, and per segment the node of each
    of its tokens but the last: segments sharing a start share those nodes."""
    node_of: dict[tuple[int, int], int] = {}  # (parent node or -1, token) -> node index
    tokens: list[int] = []
    parents: list[int] = []
    depths: list[int] = []
    paths: list[list[int]] = []
    for segment in segments:
        path: list[int] = []
        parent = -1
        for depth, token in enumerate(segment[:-1]):
            key = (parent, token)
            if key not in node_of:
                node_of[key] = len(tokens)
                tokens.append(token)
                parents.append(parent)
                depths.append(depth)
            parent = node_of[key]
            path.append(parent)
        paths.append(path)
    return tokens, parents, depths, paths


@dataclass
class _CachedPrefix:
    ids: list[int]
    layers: list[tuple[torch.Tensor, torch.Tensor]]  # per layer (keys, values), [1, heads, len(ids), head_dim]
    last_logits: torch.Tensor  # [vocab], predicts the token after ids


class PrefixScorer:
    """Scores continuations after prompts; keeps the last few prompts' KV caches so a prompt sharing its start with
    any of them is cheap. Several, because callers interleave: the agent's page prompt, then a critic's prompt,
    then the agent's next page, which shares most of its start with the agent's previous one."""

    def __init__(self, model: Any, tokenizer: Any, keep: int = 4) -> None:
        self.model = model
        self.tokenizer = tokenizer
        self.keep = keep
        self._caches: list[_CachedPrefix] = []  # most recently used first
        self.last_prefill_tokens = 0  # prompt tokens actually run through the model by the last score()
        self.last_scored_tokens = 0  # continuation tokens run by the last score()

    @property
    def device(self) -> torch.device:
        device: torch.device = next(self.model.parameters()).device
        return device

    def encode(self, text: str) -> list[int]:
        return encode(self.tokenizer, text)

    def start_token(self) -> int:
        return start_token(self.tokenizer)

    def clear(self) -> None:
        self._caches = []

    # -- the prompt prefix ------------------------------------------------------------------------------------------

    def _prefix_state(self, ids: list[int]) -> _CachedPrefix:
        """KV cache and next-token logits for `ids`, reusing the longest shared start of a recent prompt."""
        best, reuse = None, 0
        for cached in self._caches:
            if cached.ids == ids:
                self._remember(cached)
                self.last_prefill_tokens = 0
                return cached
            # Keep at least one token to run, so the forward pass yields the last position's logits.
            shared = min(common_prefix_len(cached.ids, ids), len(ids) - 1)
            if shared > reuse:
                best, reuse = cached, shared
        from transformers import DynamicCache

        cache = DynamicCache()
        if best is not None:
            cache = DynamicCache(ddp_cache_data=[(k[:, :, :reuse], v[:, :, :reuse]) for k, v in best.layers])
        new_ids = torch.tensor([ids[reuse:]], device=self.device)
        with torch.inference_mode():
            out = self.model(input_ids=new_ids, cache=cache, use_cache=True, logits_to_keep=1)
        layers = [(layer.keys, layer.values) for layer in out.cache.layers]
        state = _CachedPrefix(ids=list(ids), layers=layers, last_logits=out.logits[0, -1].float())
        self._remember(state)
        self.last_prefill_tokens = len(ids) - reuse
        return state

    def _remember(self, state: _CachedPrefix) -> None:
        self._caches = [state, *[c for c in self._caches if c is not state]][: max(1, self.keep)]

    # -- scoring ----------------------------------------------------------------------------------------------------

    def score(self, prompt: str, continuations: Sequence[str]) -> list[float]:
        """Sum of log-probs of each continuation's tokens after `prompt` (prompt+continuation tokenized together)."""
        return self.score_many([prompt], continuations)[0]

    def score_many(self, prompts: Sequence[str], continuations: Sequence[str]) -> list[list[float]]:
        """The same continuations after each prompt, in two forward passes however many prompts there are.

        The prompts' shared start (the page) is prefilled once, reusing the last call's cache; each prompt's own
        tail ("Task: ...") then joins the token trie as a stem its continuations hang from, so every tail and
        every candidate of every prompt runs in ONE packed pass (PMI calibration costs a few tail tokens).
        """
        if not continuations or not prompts:
            return [[] for _ in prompts]
        full: list[list[int]] = []
        starts: list[int] = []  # where each sequence's own (scored) tokens begin; a merged boundary token counts
        for prompt in prompts:
            prompt_ids = self.encode(prompt)
            for continuation in continuations:
                ids = self.encode(prompt + continuation)
                full.append(ids)
                starts.append(common_prefix_len(prompt_ids, ids))
        flat = self._score_sequences(full, starts)
        n = len(continuations)
        return [flat[i * n : (i + 1) * n] for i in range(len(prompts))]

    def _score_sequences(self, full: list[list[int]], starts: list[int]) -> list[float]:
        active = [i for i, (s, f) in enumerate(zip(starts, full, strict=True)) if len(f) > s]
        results = [0.0] * len(full)  # an empty continuation has log-likelihood 0
        if not active:
            return results
        shared = min(starts[i] for i in active)
        for i in active:
            shared = min(shared, common_prefix_len(full[active[0]], full[i]))
        if shared == 0:
            if len({tuple(full[i][: starts[i]]) for i in active}) > 1:
                # Prompts with nothing in common: score each prompt's group on its own.
                groups: dict[tuple[int, ...], list[int]] = {}
                for i in active:
                    groups.setdefault(tuple(full[i][: starts[i]]), []).append(i)
                for members in groups.values():
                    part = self._score_sequences([full[i] for i in members], [starts[i] for i in members])
                    for i, value in zip(members, part, strict=True):
                        results[i] = value
                return results
            # Nothing shared to condition on (empty prompt): prepend a start token so every token is predicted.
            start = self.start_token()
            full = [[start, *f] for f in full]
            starts = [s + 1 for s in starts]
            shared = 1
        prefix = self._prefix_state(full[active[0]][:shared])
        scores = self._score_packed(prefix, [full[i] for i in active], [starts[i] for i in active], shared)
        for index, value in zip(active, scores, strict=True):
            results[index] = value
        return results

    def _score_packed(
        self, prefix: _CachedPrefix, full: list[list[int]], starts: list[int], shared: int
    ) -> list[float]:
        """One forward pass over a token trie of all continuations, attending to the cached prompt.

        Each continuation token that predicts a later token becomes a trie node; continuations sharing a start
        ("click button ...") share those nodes, and a last token (only ever a target) is never run at all.
        """
        segments = [f[shared:] for f in full]
        tokens, parents, depths, paths = token_trie(segments)
        self.last_scored_tokens = len(tokens)
        first_logprobs = torch.log_softmax(prefix.last_logits, dim=-1)
        scores = [
            float(first_logprobs[segment[0]]) if shared >= starts[index] else 0.0
            for index, segment in enumerate(segments)
        ]
        if not tokens:
            return scores
        from transformers import DynamicCache

        device = self.device
        count = len(tokens)
        # Node j attends to the whole prompt, its ancestors and itself.
        allowed = torch.cat([torch.ones(count, shared, dtype=torch.bool), tree_attention(parents)], dim=1).to(device)
        dtype = next(self.model.parameters()).dtype
        # A float mask (0 = attend, min = blocked) works for both the eager and SDPA attention kernels.
        mask = torch.zeros(1, 1, count, shared + count, dtype=dtype, device=device)
        mask.masked_fill_(~allowed[None, None], torch.finfo(dtype).min)
        positions = torch.tensor([[shared + d for d in depths]], device=device)
        rows: list[int] = []  # the node whose output predicts each target token
        targets: list[int] = []
        owners: list[int] = []
        for index, (segment, path) in enumerate(zip(segments, paths, strict=True)):
            for t in range(1, len(segment)):
                if shared + t >= starts[index]:
                    rows.append(path[t - 1])
                    targets.append(segment[t])
                    owners.append(index)
        if not rows:
            return scores
        # Only nodes that predict a scored token need the vocabulary projection (a prompt's tail mostly does not).
        keep = sorted(set(rows))
        where = {node: i for i, node in enumerate(keep)}
        cache = DynamicCache(ddp_cache_data=list(prefix.layers))
        with torch.inference_mode():
            out = self.model(
                input_ids=torch.tensor([tokens], device=device),
                attention_mask=mask,
                position_ids=positions,
                cache=cache,
                use_cache=True,
                logits_to_keep=torch.tensor(keep, device=device),
            )
        logprobs = torch.log_softmax(out.logits[0].float(), dim=-1)
        picked = logprobs[
            torch.tensor([where[r] for r in rows], device=device), torch.tensor(targets, device=device)
        ].tolist()
        for index, value in zip(owners, picked, strict=True):
            scores[index] += value
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
