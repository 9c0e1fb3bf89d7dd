#!/usr/bin/python3
"""Cut the 224x224 test photos in data/photos/ from scikit-image's sample images.

Source: Debian package python3-skimage 0.19.3-8, folder skimage/data/ (see data/photos/PROVENANCE.md).
Each photo: the largest centred square, resized to 224x224 with Pillow's LANCZOS filter, written as binary
PPM (P6: a short text header, then height*width*3 bytes of RGB) so that C# needs no image decoder to read it.

Usage (Debian 12; needs python3-pil):
  cd /tmp && apt-get download python3-skimage && dpkg-deb -x python3-skimage_*.deb skimage
  /usr/bin/python3 scripts/photos/cut_photos.py SCRATCH/usr/lib/python3/dist-packages/skimage/data data/photos
"""
import os
import sys

from PIL import Image

PHOTOS = ["astronaut.png", "chelsea.png", "coffee.png", "rocket.jpg"]
SIDE = 224


def centred_square(image):
    width, height = image.size
    side = min(width, height)
    left, top = (width - side) // 2, (height - side) // 2
    return image.crop((left, top, left + side, top + side))


def main(source_dir, target_dir):
    os.makedirs(target_dir, exist_ok=True)
    for name in PHOTOS:
        image = Image.open(os.path.join(source_dir, name)).convert("RGB")
        crop = centred_square(image).resize((SIDE, SIDE), Image.LANCZOS)
        target = os.path.join(target_dir, os.path.splitext(name)[0] + ".ppm")
        with open(target + ".tmp", "wb") as f:           # temp file + rename: never half a file
            f.write(b"P6\n%d %d\n255\n" % (SIDE, SIDE))
            f.write(crop.tobytes())
        os.replace(target + ".tmp", target)
        print(f"{name} {image.size[0]}x{image.size[1]} -> {target}")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
