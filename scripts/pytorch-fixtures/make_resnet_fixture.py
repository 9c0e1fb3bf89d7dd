#!/usr/bin/python3
"""Make the PyTorch fixture that proves ResNetBackbone loads PyTorch weights by name and computes the same thing.

Defines a torchvision-style ResNet feature extractor in PyTorch (written here, not imported from torchvision):
stem conv1/bn1/relu/maxpool, stages layer1..layer4 of BasicBlocks with a conv+bn "downsample" shortcut where
the shape changes, global average pooling, no classifier. Same layout as Tutorials.Backbones.ResNetBackbone,
but width-reduced (base width 8, blocks [2, 2, 2, 3]) so the fixture is small (~1 MB instead of ~64 MB).

Writes into data/pytorch-fixtures/:
  resnet_w8_state_dict.pt     torch.save(model.state_dict())  - the standard PyTorch checkpoint format
  resnet_w8.safetensors       the same tensors in the safetensors format (written by a small writer below,
                              because Debian 12 has no python3-safetensors package)
  resnet_w8_io.pt             torch.save({"input": x, "output": model(x), "layer2": layer2 map of x})

Batch-norm statistics and affine parameters are randomised too (seeded), so that the test also checks that
running_mean / running_var / weight / bias land in the right places; the model is evaluated in eval() mode.

Usage (Debian 12: apt-get install python3-torch):
  /usr/bin/python3 scripts/pytorch-fixtures/make_resnet_fixture.py data/pytorch-fixtures
"""
import json
import os
import struct
import sys

import torch
from torch import nn

BASE_WIDTH = 8
BLOCKS = [2, 2, 2, 3]
SEED = 0
INPUT_SHAPE = (2, 3, 64, 64)


class BasicBlock(nn.Module):
    def __init__(self, in_channels, out_channels, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(in_channels, out_channels, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(out_channels, eps=1e-5)
        self.conv2 = nn.Conv2d(out_channels, out_channels, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(out_channels, eps=1e-5)
        self.downsample = None
        if stride != 1 or in_channels != out_channels:
            self.downsample = nn.Sequential(nn.Conv2d(in_channels, out_channels, 1, stride, bias=False),
                                            nn.BatchNorm2d(out_channels, eps=1e-5))

    def forward(self, x):
        y = torch.relu(self.bn1(self.conv1(x)))
        y = self.bn2(self.conv2(y))
        shortcut = x if self.downsample is None else self.downsample(x)
        return torch.relu(y + shortcut)


class ResNetBackbone(nn.Module):
    def __init__(self, base_width, blocks):
        super().__init__()
        w = base_width
        self.conv1 = nn.Conv2d(3, w, 7, 2, 3, bias=False)
        self.bn1 = nn.BatchNorm2d(w, eps=1e-5)
        self.maxpool = nn.MaxPool2d(3, 2, 1)
        self.layer1 = self._stage(w, w, blocks[0], 1)
        self.layer2 = self._stage(w, 2 * w, blocks[1], 2)
        self.layer3 = self._stage(2 * w, 4 * w, blocks[2], 2)
        self.layer4 = self._stage(4 * w, 8 * w, blocks[3], 2)

    @staticmethod
    def _stage(in_channels, out_channels, count, stride):
        return nn.Sequential(*[BasicBlock(in_channels if i == 0 else out_channels, out_channels, stride if i == 0 else 1)
                               for i in range(count)])

    def until_layer2(self, x):
        x = self.maxpool(torch.relu(self.bn1(self.conv1(x))))
        return self.layer2(self.layer1(x))

    def forward(self, x):
        x = self.layer4(self.layer3(self.until_layer2(x)))
        return torch.flatten(nn.functional.adaptive_avg_pool2d(x, 1), 1)


def randomise_batch_norms(model, generator):
    with torch.no_grad():
        for module in model.modules():
            if isinstance(module, nn.BatchNorm2d):
                n = module.num_features
                module.weight.copy_(torch.rand(n, generator=generator) + 0.5)
                module.bias.copy_(torch.randn(n, generator=generator) * 0.1)
                module.running_mean.copy_(torch.randn(n, generator=generator) * 0.1)
                module.running_var.copy_(torch.rand(n, generator=generator) + 0.5)
                module.num_batches_tracked.fill_(100)


def save_safetensors(tensors, path):
    """safetensors layout: u64 little-endian header length, a JSON header {name: {dtype, shape, data_offsets}},
    then the tensors' raw little-endian bytes back to back (offsets relative to the end of the header)."""
    dtypes = {torch.float32: "F32", torch.int64: "I64"}
    header, blobs, offset = {}, [], 0
    for name, t in tensors.items():
        data = t.contiguous().numpy().tobytes()
        header[name] = {"dtype": dtypes[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    encoded = json.dumps(header, separators=(",", ":")).encode("utf-8")
    encoded += b" " * (-len(encoded) % 8)               # pad the header to 8 bytes, as the reference writer does
    with open(path + ".tmp", "wb") as f:
        f.write(struct.pack("<Q", len(encoded)))
        f.write(encoded)
        for blob in blobs:
            f.write(blob)
    os.replace(path + ".tmp", path)


def save_torch(obj, path):
    torch.save(obj, path + ".tmp")
    os.replace(path + ".tmp", path)


def main(target_dir):
    os.makedirs(target_dir, exist_ok=True)
    torch.manual_seed(SEED)
    generator = torch.Generator().manual_seed(SEED)
    model = ResNetBackbone(BASE_WIDTH, BLOCKS)
    randomise_batch_norms(model, generator)
    model.eval()

    x = torch.randn(INPUT_SHAPE, generator=generator)
    with torch.no_grad():
        output = model(x)
        layer2 = model.until_layer2(x)

    state = model.state_dict()
    save_torch(state, os.path.join(target_dir, "resnet_w8_state_dict.pt"))
    save_safetensors(state, os.path.join(target_dir, "resnet_w8.safetensors"))
    save_torch({"input": x, "output": output, "layer2": layer2}, os.path.join(target_dir, "resnet_w8_io.pt"))
    print(f"torch {torch.__version__}: {len(state)} tensors, "
          f"{sum(t.numel() for k, t in state.items() if not k.endswith('num_batches_tracked'))} values; "
          f"output {tuple(output.shape)}, mean {output.mean().item():.6f}, layer2 {tuple(layer2.shape)}")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
