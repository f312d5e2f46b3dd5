"""A sentence-transformers BERT model (all-MiniLM-L6-v2) run with numpy: no torch, no transformers.

Loading sentence-transformers imports torch, transformers and their model zoo, several seconds
of every start-up and every CLI command, to run six small BERT layers. ``BertSentenceEncoder``
reads the same folder (``model.safetensors``, ``tokenizer.json``, ``config.json``, the pooling
config) with safetensors and tokenizers and computes the same forward pass in numpy: token,
position and type embeddings, then per layer self-attention and a GELU feed-forward, each with a
residual and LayerNorm; then mean pooling over the real tokens and L2 normalisation, as
sentence-transformers' ``Transformer`` -> ``Pooling(mean)`` -> ``Normalize`` does.
``tests/assistant/test_minilm.py`` checks its vectors are ``allclose`` to sentence-transformers'.

It stands in for ``SentenceTransformer`` where the embedder uses it (``encode``,
``get_embedding_dimension``, ``tokenizer``). ``supports(path)`` says whether a folder is such a
model; anything else (another architecture, other pooling) goes to sentence-transformers.

Cost: a query embeds in a few ms either way; large ingest batches take about 30% more CPU than
torch (64 texts of 20-120 words: 7.8 s vs 6.0 s CPU at one thread, on a loaded machine), the
price of not importing torch (~2.5 s CPU) and sentence-transformers (~7.7 s CPU more) per process.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

_MEAN_POOLING = {
    "pooling_mode_mean_tokens": True,
    "pooling_mode_cls_token": False,
    "pooling_mode_max_tokens": False,
    "pooling_mode_mean_sqrt_len_tokens": False,
}


def supports(path: Path) -> bool:
    """True for a sentence-transformers folder of a BERT model with mean pooling, a
    normaliser, safetensors weights and a fast tokenizer (what this module can run)."""
    try:
        config = json.loads((path / "config.json").read_text())
        modules = json.loads((path / "modules.json").read_text())
        pooling_dir = next(m["path"] for m in modules if m["type"].endswith(".Pooling"))
        pooling = json.loads((path / pooling_dir / "config.json").read_text())
    except (OSError, ValueError, StopIteration, KeyError, TypeError):
        return False
    kinds = [m.get("type", "").rsplit(".", 1)[-1] for m in modules]
    return (
        config.get("model_type") == "bert"
        and config.get("hidden_act") == "gelu"
        and config.get("position_embedding_type", "absolute") == "absolute"
        and kinds == ["Transformer", "Pooling", "Normalize"]
        and all(pooling.get(k, False) == v for k, v in _MEAN_POOLING.items())
        and (path / "model.safetensors").is_file()
        and (path / "tokenizer.json").is_file()
    )


def _gelu(x: np.ndarray) -> np.ndarray:
    """BERT's exact GELU, x * Phi(x) = x/2 * (1 + erf(x / sqrt 2)), in place.

    numpy has no erf: Abramowitz & Stegun 7.1.26 (absolute error <= 1.5e-7, within float32's
    rounding here) in float32 array operations, about 1.6x faster than scipy's per-element erf.
    """
    half = x * np.float32(0.5)
    x *= np.float32(1.0 / math.sqrt(2.0))
    z = np.abs(x)
    t = z * np.float32(0.3275911)
    t += np.float32(1.0)
    np.reciprocal(t, out=t)
    poly = t * np.float32(1.061405429)
    for coefficient in (-1.453152027, 1.421413741, -0.284496736, 0.254829592):
        poly += np.float32(coefficient)
        poly *= t
    np.square(z, out=z)
    np.negative(z, out=z)
    np.exp(z, out=z)
    poly *= z  # erfc(|x|)
    np.subtract(np.float32(1.0), poly, out=poly)
    np.copysign(poly, x, out=poly)  # erf(x)
    poly += np.float32(1.0)
    poly *= half
    return poly


def _layer_norm(x: np.ndarray, weight: np.ndarray, bias: np.ndarray, eps: float) -> np.ndarray:
    mean = x.mean(axis=-1, keepdims=True)
    centred = x - mean
    var = (centred * centred).mean(axis=-1, keepdims=True)
    return centred / np.sqrt(var + np.float32(eps)) * weight + bias


class _Layer:
    """One BERT encoder layer's weights, transposed once for ``x @ w``."""

    def __init__(self, w: dict[str, np.ndarray], prefix: str) -> None:
        def get(name: str) -> np.ndarray:
            return np.ascontiguousarray(w[f"{prefix}.{name}"], dtype=np.float32)

        # Query, key and value as one matmul.
        self.qkv_w = np.ascontiguousarray(
            np.concatenate([get(f"attention.self.{n}.weight") for n in ("query", "key", "value")]).T
        )
        self.qkv_b = np.concatenate(
            [get(f"attention.self.{n}.bias") for n in ("query", "key", "value")]
        )
        self.out_w = np.ascontiguousarray(get("attention.output.dense.weight").T)
        self.out_b = get("attention.output.dense.bias")
        self.ln1 = (
            get("attention.output.LayerNorm.weight"),
            get("attention.output.LayerNorm.bias"),
        )
        self.up_w = np.ascontiguousarray(get("intermediate.dense.weight").T)
        self.up_b = get("intermediate.dense.bias")
        self.down_w = np.ascontiguousarray(get("output.dense.weight").T)
        self.down_b = get("output.dense.bias")
        self.ln2 = (get("output.LayerNorm.weight"), get("output.LayerNorm.bias"))


class BertSentenceEncoder:
    """Mean-pooled, normalised sentence vectors from a BERT model, computed with numpy.

    Thread-safe for concurrent ``encode`` calls (weights are read-only; the tokenizer used for
    encoding is configured once and never changed).
    """

    def __init__(self, path: Path, *, threads: int | None = None) -> None:
        from safetensors.numpy import load_file
        from tokenizers import Tokenizer

        config = json.loads((path / "config.json").read_text())
        st_config: dict[str, Any] = {}
        if (path / "sentence_bert_config.json").is_file():
            st_config = json.loads((path / "sentence_bert_config.json").read_text())
        self.hidden = int(config["hidden_size"])
        self.heads = int(config["num_attention_heads"])
        self.eps = float(config.get("layer_norm_eps", 1e-12))
        self.max_seq_length = int(
            st_config.get("max_seq_length") or config.get("max_position_embeddings", 512)
        )
        self.lowercase = bool(st_config.get("do_lower_case", False))
        self.threads = threads
        if threads:
            # numpy's BLAS threads for the whole process, as ``torch.set_num_threads`` was: one
            # when serving (``assistant.app.serving_settings``), where spinning BLAS threads on
            # a busy 2-core machine cost 10x. Set once: per call it costs a scan of the loaded
            # libraries (~6 ms a query under load).
            from threadpoolctl import threadpool_limits

            threadpool_limits(limits=threads, user_api="blas")
        w = load_file(str(path / "model.safetensors"))
        if not any(k.startswith("embeddings.") for k in w):  # saved with a "bert." prefix
            w = {k.removeprefix("bert."): v for k, v in w.items()}
        self.word = np.ascontiguousarray(w["embeddings.word_embeddings.weight"], dtype=np.float32)
        self.position = np.ascontiguousarray(
            w["embeddings.position_embeddings.weight"], dtype=np.float32
        )
        self.token_type0 = np.asarray(w["embeddings.token_type_embeddings.weight"][0], np.float32)
        self.ln0 = (
            np.asarray(w["embeddings.LayerNorm.weight"], np.float32),
            np.asarray(w["embeddings.LayerNorm.bias"], np.float32),
        )
        self.layers = [
            _Layer(w, f"encoder.layer.{i}") for i in range(int(config["num_hidden_layers"]))
        ]
        # What sentence-transformers does: truncate to max_seq_length, pad to the longest.
        self.tokenizer = Tokenizer.from_file(str(path / "tokenizer.json"))
        self._encoder = Tokenizer.from_file(str(path / "tokenizer.json"))
        self._encoder.enable_truncation(self.max_seq_length)
        pad_id = int(config.get("pad_token_id", 0) or 0)
        self._encoder.enable_padding(pad_id=pad_id, pad_token=self._encoder.id_to_token(pad_id))

    def get_embedding_dimension(self) -> int:
        return self.hidden

    def encode(
        self,
        sentences: Sequence[str],
        *,
        batch_size: int = 32,
        normalize_embeddings: bool = True,
        **_: Any,
    ) -> np.ndarray:
        """(len(sentences), hidden) float32; like ``SentenceTransformer.encode``: texts are
        stripped, sorted by length so batches pad little, and returned in the order given."""
        texts = [str(s).strip() for s in sentences]
        if self.lowercase:
            texts = [t.lower() for t in texts]
        out = np.zeros((len(texts), self.hidden), dtype=np.float32)
        if not texts:
            return out
        order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
        for start in range(0, len(order), batch_size):
            idx = order[start : start + batch_size]
            out[idx] = self._forward([texts[i] for i in idx])
        if normalize_embeddings:
            norms = np.linalg.norm(out, axis=1, keepdims=True)
            out /= np.maximum(norms, np.float32(1e-12))
        return out

    def _forward(self, texts: list[str]) -> np.ndarray:
        """Mean-pooled (not yet normalised) vectors of one batch."""
        encodings = self._encoder.encode_batch(texts)
        ids = np.array([e.ids for e in encodings], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encodings], dtype=np.float32)
        batch, length = ids.shape
        x = self.word[ids] + self.position[:length] + self.token_type0
        x = _layer_norm(x, *self.ln0, self.eps)
        # Padding positions get a large negative score (transformers uses float32's minimum).
        bias = ((1.0 - mask) * np.finfo(np.float32).min)[:, None, None, :]
        head = self.hidden // self.heads
        scale = np.float32(1.0 / math.sqrt(head))
        for layer in self.layers:
            flat = x.reshape(batch * length, self.hidden)  # 2-D matmuls go to BLAS
            qkv = flat @ layer.qkv_w + layer.qkv_b
            qkv = qkv.reshape(batch, length, 3, self.heads, head).transpose(2, 0, 3, 1, 4)
            q = np.ascontiguousarray(qkv[0]) * scale  # (batch, heads, length, head)
            k = np.ascontiguousarray(qkv[1].transpose(0, 1, 3, 2))
            v = np.ascontiguousarray(qkv[2])
            scores = q @ k + bias  # (batch, heads, length, length)
            scores -= scores.max(axis=-1, keepdims=True)
            np.exp(scores, out=scores)
            scores /= scores.sum(axis=-1, keepdims=True)
            context = (scores @ v).transpose(0, 2, 1, 3).reshape(batch * length, self.hidden)
            flat = _layer_norm(context @ layer.out_w + layer.out_b + flat, *layer.ln1, self.eps)
            up = _gelu(flat @ layer.up_w + layer.up_b)
            flat = _layer_norm(up @ layer.down_w + layer.down_b + flat, *layer.ln2, self.eps)
            x = flat.reshape(batch, length, self.hidden)
        summed = (x * mask[:, :, None]).sum(axis=1)
        return summed / np.maximum(mask.sum(axis=1, keepdims=True), np.float32(1e-9))
