#!/usr/bin/python3
"""Writes a tiny BERT fixture from real PyTorch, for tests/Tutorials.Tests/Backbones/BertPyTorchFixtureTests.cs.

The model below is written from scratch in plain PyTorch with the parameter layout and names of Hugging Face's
BertModel (embeddings.*, encoder.layer.{i}.attention.self.query, ..., pooler.dense). It is tiny (2 layers,
hidden 32, 4 heads), seeded, and random: the point is to prove that the C# BertEncoder computes the same
function from the same named weights, not to be a useful model.

Outputs (under data/pytorch-fixtures/):
  bert-tiny-state_dict.pt    torch.save(model.state_dict()), PyTorch's zip format
  bert-tiny.safetensors      the same tensors in the safetensors format, written by hand below (the format is a
                             little-endian u64 header length, a JSON header, then raw little-endian tensor bytes),
                             because Debian 12 packages no `safetensors` module for Python
  bert-tiny-io.pt            a fixed batch (input_ids, attention_mask, token_type_ids) and last_hidden_state

Run with Debian's Python, which has python3-torch (apt-get install python3-torch):
  /usr/bin/python3 scripts/pytorch-fixtures/make_bert_fixture.py
CI does not run this; the tests read the committed files.
"""
import json
import math
import os
import struct

import torch
from torch import nn

VOCAB, HIDDEN, LAYERS, HEADS, FFN, POSITIONS, TYPES, EPS = 100, 32, 2, 4, 64, 64, 2, 1e-12
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "data", "pytorch-fixtures")


class Embeddings(nn.Module):
    def __init__(self):
        super().__init__()
        self.word_embeddings = nn.Embedding(VOCAB, HIDDEN)
        self.position_embeddings = nn.Embedding(POSITIONS, HIDDEN)
        self.token_type_embeddings = nn.Embedding(TYPES, HIDDEN)
        self.LayerNorm = nn.LayerNorm(HIDDEN, eps=EPS)
        # Hugging Face checkpoints carry this buffer; the C# encoder computes positions instead and skips it.
        self.register_buffer("position_ids", torch.arange(POSITIONS).unsqueeze(0))

    def forward(self, input_ids, token_type_ids):
        positions = self.position_ids[:, : input_ids.shape[1]]
        x = self.word_embeddings(input_ids) + self.token_type_embeddings(token_type_ids) + self.position_embeddings(positions)
        return self.LayerNorm(x)


class SelfAttention(nn.Module):
    def __init__(self):
        super().__init__()
        self.query = nn.Linear(HIDDEN, HIDDEN)
        self.key = nn.Linear(HIDDEN, HIDDEN)
        self.value = nn.Linear(HIDDEN, HIDDEN)

    def split(self, x):
        b, s, _ = x.shape
        return x.view(b, s, HEADS, HIDDEN // HEADS).transpose(1, 2)

    def forward(self, h, additive_mask):
        q, k, v = self.split(self.query(h)), self.split(self.key(h)), self.split(self.value(h))
        scores = q @ k.transpose(-1, -2) / math.sqrt(HIDDEN // HEADS) + additive_mask
        ctx = scores.softmax(-1) @ v
        b, _, s, _ = ctx.shape
        return ctx.transpose(1, 2).reshape(b, s, HIDDEN)


class ResidualOutput(nn.Module):
    def __init__(self, in_features):
        super().__init__()
        self.dense = nn.Linear(in_features, HIDDEN)
        self.LayerNorm = nn.LayerNorm(HIDDEN, eps=EPS)

    def forward(self, x, residual):
        return self.LayerNorm(self.dense(x) + residual)


class Attention(nn.Module):
    def __init__(self):
        super().__init__()
        self.self = SelfAttention()
        self.output = ResidualOutput(HIDDEN)

    def forward(self, h, m):
        return self.output(self.self(h, m), h)


class Intermediate(nn.Module):
    def __init__(self):
        super().__init__()
        self.dense = nn.Linear(HIDDEN, FFN)

    def forward(self, x):
        return nn.functional.gelu(self.dense(x))  # exact (erf) GELU, PyTorch's default


class Layer(nn.Module):
    def __init__(self):
        super().__init__()
        self.attention = Attention()
        self.intermediate = Intermediate()
        self.output = ResidualOutput(FFN)

    def forward(self, h, m):
        a = self.attention(h, m)
        return self.output(self.intermediate(a), a)


class Encoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.layer = nn.ModuleList([Layer() for _ in range(LAYERS)])

    def forward(self, h, m):
        for block in self.layer:
            h = block(h, m)
        return h


class Pooler(nn.Module):
    def __init__(self):
        super().__init__()
        self.dense = nn.Linear(HIDDEN, HIDDEN)


class TinyBert(nn.Module):
    def __init__(self):
        super().__init__()
        self.embeddings = Embeddings()
        self.encoder = Encoder()
        self.pooler = Pooler()  # present in BertModel checkpoints; unused for last_hidden_state

    def forward(self, input_ids, attention_mask, token_type_ids):
        h = self.embeddings(input_ids, token_type_ids)
        additive = (1.0 - attention_mask[:, None, None, :].float()) * torch.finfo(torch.float32).min
        return self.encoder(h, additive)


def write_safetensors(path, tensors):
    header, offset, blobs = {}, 0, []
    for name, t in tensors.items():
        data = t.detach().contiguous().cpu().numpy().astype("<f4" if t.is_floating_point() else "<i8").tobytes()
        dtype = "F32" if t.is_floating_point() else "I64"
        header[name] = {"dtype": dtype, "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 8)  # pad the header so tensor data starts 8-byte aligned
    with open(path + ".tmp", "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for blob in blobs:
            f.write(blob)
    os.replace(path + ".tmp", path)


def save(obj, path):
    torch.save(obj, path + ".tmp")
    os.replace(path + ".tmp", path)


def main():
    torch.manual_seed(0)
    model = TinyBert().eval()
    with torch.no_grad():
        # LayerNorms start at weight 1 / bias 0; randomise them so a swapped or skipped LayerNorm shows.
        for name, p in model.named_parameters():
            if "LayerNorm" in name:
                p.add_(0.1 * torch.randn_like(p))

    # Three rows of different lengths: padding (mask 0) at the end, and a second segment (type 1) in row 0.
    input_ids = torch.tensor([[2, 15, 27, 3, 44, 58, 3],
                              [2, 71, 9, 88, 3, 0, 0],
                              [2, 5, 3, 0, 0, 0, 0]], dtype=torch.int64)
    attention_mask = (input_ids != 0).to(torch.int64)
    token_type_ids = torch.tensor([[0, 0, 0, 0, 1, 1, 1]] + [[0] * 7] * 2, dtype=torch.int64)
    with torch.no_grad():
        last_hidden_state = model(input_ids, attention_mask, token_type_ids)

    os.makedirs(OUT, exist_ok=True)
    state = model.state_dict()
    save(state, os.path.join(OUT, "bert-tiny-state_dict.pt"))
    write_safetensors(os.path.join(OUT, "bert-tiny.safetensors"), state)
    save({"input_ids": input_ids, "attention_mask": attention_mask, "token_type_ids": token_type_ids,
          "last_hidden_state": last_hidden_state}, os.path.join(OUT, "bert-tiny-io.pt"))
    print(f"torch {torch.__version__}: {len(state)} tensors, "
          f"{sum(t.numel() for t in state.values())} values; output {tuple(last_hidden_state.shape)}, "
          f"first values {last_hidden_state[0, 0, :3].tolist()}")


if __name__ == "__main__":
    main()
