#!/usr/bin/env python3
"""PyTorch side of `dotnet run --project tools/Benchmarks -c Release -- vs-pytorch`.

Builds the same two training steps as tools/Benchmarks/KitWorkloads.cs, written from the kit's module definitions
(lib/Backbones, lib/Segmentation, lib/Fusion, lib/Contrastive), with random weights and random batches of the same shapes:
  segmenter  notebook 02: ResNet [2, 2, 2, 3] + FPN decoder, depth branch fused at layer1 by a residual bridge,
             stem and layer1 frozen (BatchNorm in eval), Adam 1e-4 / 1e-3, batch 16 of 64x64, cross-entropy
  towers     notebook 03: ResNet layer4 (BatchNorm frozen) on layer3 maps + MLP head, MiniLM's last layer on
             hidden states + MLP head, InfoNCE with a learned temperature, Adam 1e-4 / 3e-5 / 1e-3, batch 64
Protocol (stdin/stdout, one line each): prints {"torch": version} once; then for each line "segmenter" or "towers"
runs --steps training steps and prints {"seconds_per_step": s}; "quit" ends. The .NET side alternates with it.
"""
import argparse
import json
import math
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class BasicBlock(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.downsample = None
        if stride != 1 or cin != cout:
            self.downsample = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x):
        y = F.relu(self.bn1(self.conv1(x)))
        y = self.bn2(self.conv2(y))
        return F.relu(y + (x if self.downsample is None else self.downsample(x)))


class ResNetBackbone(nn.Module):
    """The packaged ImageNet ResNet's layout: width 64, blocks [2, 2, 2, 3], no classifier."""
    def __init__(self, width=64, blocks=(2, 2, 2, 3)):
        super().__init__()
        self.conv1 = nn.Conv2d(3, width, 7, 2, 3, bias=False)
        self.bn1 = nn.BatchNorm2d(width)
        self.maxpool = nn.MaxPool2d(3, 2, 1)
        chans = [width, width * 2, width * 4, width * 8]
        cin = width
        for i, (c, n) in enumerate(zip(chans, blocks)):
            stride = 1 if i == 0 else 2
            layers = [BasicBlock(cin if j == 0 else c, c, stride if j == 0 else 1) for j in range(n)]
            setattr(self, f"layer{i + 1}", nn.Sequential(*layers))
            cin = c

    def stage(self, name, x):
        if name == "stem":
            return self.maxpool(F.relu(self.bn1(self.conv1(x))))
        return getattr(self, name)(x)


def conv_bn_relu(cin, cout, stride):
    return nn.Sequential(nn.Conv2d(cin, cout, 3, stride, 1, bias=False), nn.BatchNorm2d(cout), nn.ReLU())


class Decoder(nn.Module):
    def __init__(self, chans, classes, width=64):
        super().__init__()
        self.lateral = nn.ModuleList([nn.Conv2d(c, width, 1) for c in chans])
        self.head = nn.Sequential(nn.Conv2d(width, width, 3, 1, 1, bias=False), nn.BatchNorm2d(width), nn.ReLU())
        self.classifier = nn.Conv2d(width, classes, 1)

    def forward(self, stages):
        x = self.lateral[3](stages[3])
        for i in (2, 1, 0):
            finer = stages[i]
            x = F.interpolate(x, size=finer.shape[2:], mode="bilinear", align_corners=False) + self.lateral[i](finer)
        s = self.classifier(self.head(x))
        return F.interpolate(s, size=(s.shape[2] * 4, s.shape[3] * 4), mode="bilinear", align_corners=False)


class DepthBranch(nn.Module):
    def __init__(self, stride=4, width=16):
        super().__init__()
        layers = [nn.BatchNorm2d(1)]
        c, s = 1, 1
        while s < stride:
            nxt = min(width * max(1, s // 2), 4 * width)
            layers += [conv_bn_relu(c, nxt, 2), conv_bn_relu(nxt, nxt, 1)]
            c, s = nxt, s * 2
        self.layers = nn.Sequential(*layers)
        self.out_channels = c

    def forward(self, d):
        return self.layers(d)


class ResidualBridge(nn.Module):
    def __init__(self, ca, cb):
        super().__init__()
        self.mix = nn.Sequential(nn.Conv2d(ca + cb, ca, 3, 1, 1, bias=False), nn.BatchNorm2d(ca), nn.ReLU())
        self.output = nn.Conv2d(ca, ca, 1)
        nn.init.zeros_(self.output.weight)
        nn.init.zeros_(self.output.bias)

    def forward(self, a, b):
        if b.shape[2:] != a.shape[2:]:
            b = F.interpolate(b, size=a.shape[2:], mode="bilinear", align_corners=False)
        return a + self.output(self.mix(torch.cat([a, b], 1)))


class RgbdSegmenter(nn.Module):
    STAGES = ["stem", "layer1", "layer2", "layer3", "layer4"]

    def __init__(self, classes, stage="layer1"):
        super().__init__()
        self.backbone = ResNetBackbone()
        self.decoder = Decoder([64, 128, 256, 512], classes)
        self.stage = stage
        self.depth = DepthBranch(stride=4)
        self.bridge = ResidualBridge(64, self.depth.out_channels)

    def forward(self, images, depth):
        maps, x = {}, images
        k = self.STAGES.index(self.stage)
        for name in self.STAGES[: k + 1]:
            x = self.backbone.stage(name, x)
            maps[name] = x
        x = self.bridge(x, self.depth(depth))
        maps[self.stage] = x
        for name in self.STAGES[k + 1:]:
            x = self.backbone.stage(name, x)
            maps[name] = x
        return self.decoder([maps["layer1"], maps["layer2"], maps["layer3"], maps["layer4"]])


class BertLayer(nn.Module):
    def __init__(self, hidden=384, heads=12, inter=1536, eps=1e-12, p=0.1):
        super().__init__()
        self.heads, self.hs = heads, hidden // heads
        self.query, self.key, self.value = nn.Linear(hidden, hidden), nn.Linear(hidden, hidden), nn.Linear(hidden, hidden)
        self.attn_drop = nn.Dropout(p)
        self.attn_out, self.attn_ln, self.attn_out_drop = nn.Linear(hidden, hidden), nn.LayerNorm(hidden, eps=eps), nn.Dropout(p)
        self.inter = nn.Linear(hidden, inter)
        self.out, self.out_ln, self.out_drop = nn.Linear(inter, hidden), nn.LayerNorm(hidden, eps=eps), nn.Dropout(p)

    def split(self, x):
        return x.view(x.shape[0], x.shape[1], self.heads, self.hs).transpose(1, 2)

    def forward(self, h, additive):
        q, k, v = self.split(self.query(h)), self.split(self.key(h)), self.split(self.value(h))
        w = self.attn_drop((q @ k.transpose(-1, -2) / math.sqrt(self.hs) + additive).softmax(-1))
        ctx = (w @ v).transpose(1, 2).contiguous().view(h.shape[0], h.shape[1], -1)
        a = self.attn_ln(self.attn_out_drop(self.attn_out(ctx)) + h)
        return self.out_ln(self.out_drop(self.out(F.gelu(self.inter(a)))) + a)


class MlpProjection(nn.Module):
    def __init__(self, cin, cout, p=0.1):
        super().__init__()
        self.projection, self.fc, self.dropout, self.layer_norm = nn.Linear(cin, cout), nn.Linear(cout, cout), nn.Dropout(p), nn.LayerNorm(cout)

    def forward(self, x):
        projected = self.projection(x)
        return self.layer_norm(self.dropout(self.fc(F.gelu(projected))) + projected)


class Towers(nn.Module):
    def __init__(self):
        super().__init__()
        self.backbone = ResNetBackbone()      # only layer4 runs (on cached layer3 maps); the rest is frozen
        self.image_head = MlpProjection(512, 128)
        self.bert_top = BertLayer()           # MiniLM's last layer (on cached hidden states)
        self.text_head = MlpProjection(384, 128)
        self.logit_scale = nn.Parameter(torch.tensor(math.log(1 / 0.07)))

    def image(self, maps):
        pooled = F.adaptive_avg_pool2d(self.backbone.layer4(maps), 1).flatten(1)
        return F.normalize(self.image_head(pooled), dim=1)

    def text(self, hidden, mask):
        m = mask.to(hidden.dtype)
        additive = (1 - m).view(m.shape[0], 1, 1, m.shape[1]) * torch.finfo(hidden.dtype).min
        x = self.bert_top(hidden, additive)
        pooled = (x * m.unsqueeze(-1)).sum(1) / m.unsqueeze(-1).sum(1).clamp_min(1e-9)
        return F.normalize(self.text_head(F.normalize(pooled, dim=1)), dim=1)


def info_nce(img, txt, logit_scale):
    u, v = F.normalize(img, dim=1), F.normalize(txt, dim=1)
    logits = logit_scale.clamp_max(math.log(100)).exp() * u @ v.T
    target = torch.arange(img.shape[0])
    return (F.cross_entropy(logits, target) + F.cross_entropy(logits.T, target)) / 2


def frozen_bn_eval(model):
    """train(), but BatchNorm whose parameters are all frozen stays in eval (what the kit's trainer does)."""
    model.train()
    for m in model.modules():
        if isinstance(m, nn.BatchNorm2d) and not any(p.requires_grad for p in m.parameters()):
            m.eval()


def segmenter(steps, batch=16, side=64):
    torch.manual_seed(0)
    model = RgbdSegmenter(classes=4)
    bb = model.backbone
    for mod in (bb.conv1, bb.bn1, bb.layer1):
        for p in mod.parameters():
            p.requires_grad = False
    backbone_ids = {id(p) for p in bb.parameters()}
    fine = [p for p in bb.parameters() if p.requires_grad]
    new = [p for p in model.parameters() if p.requires_grad and id(p) not in backbone_ids]
    opt = torch.optim.Adam([{"params": fine, "lr": 1e-4}, {"params": new, "lr": 1e-3}])
    n = batch * steps
    data = (torch.randn(n, 3, side, side), torch.rand(n, 1, side, side), torch.randint(0, 4, (n, side, side)))
    loss = lambda b: F.cross_entropy(model(b[0], b[1]), b[2])
    return model, opt, data, batch, loss


def towers(steps, batch=64, tokens=16):
    torch.manual_seed(0)
    model = Towers()
    for name, p in model.backbone.named_parameters():
        # layer4's convolutions train; its BatchNorm and everything below stay frozen (ImageTower, freezeBatchNorm)
        p.requires_grad = name.startswith("layer4.") and p.dim() == 4
    opt = torch.optim.Adam([
        {"params": [p for p in model.backbone.parameters() if p.requires_grad], "lr": 1e-4},
        {"params": list(model.bert_top.parameters()), "lr": 3e-5},
        {"params": list(model.image_head.parameters()) + list(model.text_head.parameters()) + [model.logit_scale], "lr": 1e-3},
    ])
    n = batch * steps
    lengths = torch.randint(8, tokens + 1, (n, 1))
    mask = (torch.arange(tokens).unsqueeze(0) < lengths).long()
    data = (torch.randn(n, 256, 4, 4), torch.randn(n, tokens, 384), mask)
    loss = lambda b: info_nce(model.image(b[0]), model.text(b[1], b[2]), model.logit_scale)
    return model, opt, data, batch, loss


def run_round(workload, steps):
    model, opt, data, batch, loss_of = workload
    start = time.perf_counter()
    frozen_bn_eval(model)
    for i in range(steps):
        opt.zero_grad()
        b = [t[i * batch:(i + 1) * batch] for t in data]
        loss = loss_of(b)
        loss.backward()
        opt.step()
        loss.item()
    return (time.perf_counter() - start) / steps


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, required=True)
    ap.add_argument("--steps", type=int, default=3)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    workloads = {"segmenter": segmenter(args.steps), "towers": towers(args.steps)}
    print(json.dumps({"torch": torch.__version__, "threads": torch.get_num_threads()}), flush=True)
    for line in sys.stdin:
        name = line.strip()
        if name == "quit":
            break
        if name not in workloads:
            print(json.dumps({"error": f"unknown workload '{name}', expected one of {sorted(workloads)}"}), flush=True)
            continue
        print(json.dumps({"seconds_per_step": run_round(workloads[name], args.steps)}), flush=True)


if __name__ == "__main__":
    main()
