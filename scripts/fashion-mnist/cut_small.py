#!/usr/bin/python3
"""Cut the small, class-balanced Fashion-MNIST subset in data/fashion-mnist-small/.

Source: Debian package dataset-fashion-mnist (usr/share/datasets/fashion-mnist/, IDX files, gzip; MIT).
Takes, in the original file order, the first 60 images of each of the 10 classes from the training file
(600 images) and the first 40 of each class from the test file (400 images). The order of the original files
is kept, so the subset is reproducible and needs no random seed. Output uses the same IDX format (gzip, with
the timestamp set to 0 so the bytes repeat), so lib/Data/FashionMnist.cs reads the full data set too.

Usage (Debian 12, standard library only):
  cd /tmp && apt-get download dataset-fashion-mnist && dpkg-deb -x dataset-fashion-mnist_*.deb fmnist
  /usr/bin/python3 scripts/fashion-mnist/cut_small.py SCRATCH/usr/share/datasets/fashion-mnist data/fashion-mnist-small
"""
import gzip
import os
import struct
import sys

PER_CLASS = {"train": 60, "t10k": 40}


def read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    magic = struct.unpack(">I", data[:4])[0]
    rank = magic & 0xFF
    dims = struct.unpack(">" + "I" * rank, data[4:4 + 4 * rank])
    return dims, data[4 + 4 * rank:]


def write_idx(path, dims, payload):
    header = struct.pack(">I", 0x0800 | len(dims)) + struct.pack(">" + "I" * len(dims), *dims)
    with open(path + ".tmp", "wb") as raw:                 # temp file + rename: never half a file
        with gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as f:
            f.write(header + payload)
    os.replace(path + ".tmp", path)


def main(source_dir, target_dir):
    os.makedirs(target_dir, exist_ok=True)
    for split, per_class in PER_CLASS.items():
        (count, rows, cols), pixels = read_idx(os.path.join(source_dir, f"{split}-images-idx3-ubyte.gz"))
        (label_count,), labels = read_idx(os.path.join(source_dir, f"{split}-labels-idx1-ubyte.gz"))
        assert count == label_count
        taken, kept = [0] * 10, []
        for i, label in enumerate(labels):
            if taken[label] < per_class:
                taken[label] += 1
                kept.append(i)
        size = rows * cols
        write_idx(os.path.join(target_dir, f"{split}-images-idx3-ubyte.gz"), (len(kept), rows, cols),
                  b"".join(pixels[i * size:(i + 1) * size] for i in kept))
        write_idx(os.path.join(target_dir, f"{split}-labels-idx1-ubyte.gz"), (len(kept),),
                  bytes(labels[i] for i in kept))
        print(f"{split}: {len(kept)} of {count} images, last source index {kept[-1]}")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
