#!/usr/bin/env python3
"""Builds data/spoken-digits/ from real recordings in Debian's Asterisk voice-prompt packages.

Python 3 standard library only (no numpy). Run from anywhere:

    python3 scripts/audio/prepare_spoken_digits.py [--scratch DIR]

What it does, in order:
  1. `apt-get download` the packages listed in SOURCES into a scratch folder (outside the repo) and unpack
     them with `dpkg-deb -x` (nothing is installed). Run `apt-get update` once before, if the host needs it.
  2. For every speaker, reads the short single-word recordings under digits/, letters/ and phonetic/.
  3. Resamples to 8 kHz if needed and trims leading/trailing silence. Keeps the ten digits of every speaker
     (all are shorter than 1 s) and every other word whose trimmed clip is at most 0.8 s (keeps the file small).
  4. Writes data/spoken-digits/clips.ulaw (all clips back to back, 8-bit G.711 mu-law, variable length)
     and data/spoken-digits/index.tsv (one row per clip: where it is, who speaks, which word, digit label).
     Mu-law is the telephone encoding these prompts were made for; it halves the size of int16.
     Clips are stored without padding to keep the committed file small; the C# loader pads each clip to 1 s.
Both files are written to a temporary name first and then renamed, so a failed run leaves no half file.
"""
import argparse
import array
import glob
import hashlib
import math
import os
import subprocess
import sys
import wave

RATE = 8000          # every clip is stored at this sample rate
MAX_SAMPLES = RATE   # a digit longer than 1 s after trimming is an error
MAX_WORD = 6400      # other words longer than 0.8 s are left out (size budget)
FRAME = 80           # 10 ms frames for the silence detector
TRIM_DB = 30.0       # a frame is "speech" when its RMS is within 30 dB of the loudest frame
MARGIN = 2           # frames of context kept on each side of the detected speech
FOLDERS = ("digits", "letters", "phonetic")

# id, Debian package, folder inside the package, language, speaker, licence
SOURCES = [
    ("en-allison", "asterisk-core-sounds-en-wav", "usr/share/asterisk/sounds/en_US_f_Allison", "en", "Allison Smith", "CC-BY-SA-3.0"),
    ("es-allison", "asterisk-core-sounds-es-wav", "usr/share/asterisk/sounds/es_MX_f_Allison", "es", "Allison Smith", "CC-BY-SA-3.0"),
    ("fr-june", "asterisk-core-sounds-fr-wav", "usr/share/asterisk/sounds/fr_CA_f_June", "fr", "June Wallack", "CC-BY-SA-3.0"),
    ("ru-ivrvoice", "asterisk-core-sounds-ru-wav", "usr/share/asterisk/sounds/ru_RU_f_IvrvoiceRU", "ru", "IvrvoiceRU (Maxim Topal)", "CC-BY-3.0"),
    ("it-carlo", "asterisk-core-sounds-it-wav", "usr/share/asterisk/sounds/it_IT_m_Carlo", "it", "Carlo Flora", "CC-BY-3.0"),
    ("it-menardi", "asterisk-prompt-it-menardi-wav", "usr/share/asterisk/sounds/it_IT_f_Menardi", "it", "Paola Dal Zot (Marco Menardi)", "CC-BY-SA-3.0-IT"),
]


def fetch(package, scratch):
    """Downloads and unpacks one package; returns (unpacked folder, package version)."""
    debs = glob.glob(os.path.join(scratch, package + "_*.deb"))
    if not debs:
        subprocess.run(["apt-get", "download", package], cwd=scratch, check=True)
        debs = glob.glob(os.path.join(scratch, package + "_*.deb"))
    if len(debs) != 1:
        sys.exit(f"expected one {package}_*.deb in {scratch}, found {len(debs)}; delete the extra files and rerun")
    target = os.path.join(scratch, "x", package)
    if not os.path.isdir(target):
        subprocess.run(["dpkg-deb", "-x", debs[0], target], check=True)
    version = subprocess.run(["dpkg-deb", "-f", debs[0], "Version"], check=True, capture_output=True, text=True).stdout.strip()
    return target, version


def read_wav(path):
    """Returns mono int16 samples at RATE."""
    with wave.open(path, "rb") as w:
        if w.getsampwidth() != 2:
            raise ValueError(f"{path}: expected 16-bit samples, got {8 * w.getsampwidth()}-bit")
        channels, rate = w.getnchannels(), w.getframerate()
        samples = array.array("h", w.readframes(w.getnframes()))
    if sys.byteorder == "big":
        samples.byteswap()
    if channels > 1:  # average the channels
        samples = array.array("h", (int(sum(samples[i:i + channels]) / channels) for i in range(0, len(samples), channels)))
    return resample(samples, rate) if rate != RATE else samples


def resample(samples, rate):
    """Linear interpolation to RATE (the sources are already 8 kHz; this is a fallback)."""
    n = int(len(samples) * RATE / rate)
    out = array.array("h")
    for i in range(n):
        x = i * rate / RATE
        j = int(x)
        k = min(j + 1, len(samples) - 1)
        out.append(int(round(samples[j] + (samples[k] - samples[j]) * (x - j))))
    return out


def trim(samples):
    """Cuts leading and trailing silence using 10 ms frame energies."""
    frames = [samples[i:i + FRAME] for i in range(0, len(samples), FRAME)]
    rms = [math.sqrt(sum(s * s for s in f) / len(f)) for f in frames]
    peak = max(rms) if rms else 0.0
    if peak <= 0:
        return samples[:0]
    threshold = peak * 10 ** (-TRIM_DB / 20)
    loud = [i for i, r in enumerate(rms) if r >= threshold]
    first, last = max(loud[0] - MARGIN, 0), min(loud[-1] + MARGIN + 1, len(frames))
    return samples[first * FRAME:last * FRAME]


def mulaw(sample):
    """G.711 mu-law encoding of one int16 sample (the decoder is lib/Data/SpokenDigits.cs)."""
    sign = 0x80 if sample < 0 else 0
    magnitude = min(abs(sample), 32635) + 0x84
    exponent = magnitude.bit_length() - 8          # 0..7
    mantissa = (magnitude >> (exponent + 3)) & 0x0F
    return ~(sign | (exponent << 4) | mantissa) & 0xFF


def digit_label(word):
    """digits/0 .. digits/9 are the ten spoken digits; every other word has label -1."""
    folder, _, name = word.partition("/")
    return int(name) if folder == "digits" and len(name) == 1 and name.isdigit() else -1


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    repo = os.path.abspath(os.path.join(here, "..", ".."))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scratch", default=os.path.join("/tmp", "audio-src"), help="download folder, outside the repo")
    parser.add_argument("--out", default=os.path.join(repo, "data", "spoken-digits"))
    args = parser.parse_args()
    os.makedirs(args.scratch, exist_ok=True)
    os.makedirs(args.out, exist_ok=True)

    blob = bytearray()
    rows, versions, dropped = [], {}, 0
    for set_id, package, folder, language, speaker, licence in SOURCES:
        root, versions[package] = fetch(package, args.scratch)
        base = os.path.join(root, folder)
        files = []
        for sub in FOLDERS:
            files += glob.glob(os.path.join(base, sub, "**", "*.wav"), recursive=True)
        kept = 0
        for path in sorted(files):
            word = os.path.relpath(path, base)[:-len(".wav")].replace(os.sep, "/")
            clip = trim(read_wav(path))
            label = digit_label(word)
            if label >= 0 and not 0 < len(clip) <= MAX_SAMPLES:
                sys.exit(f"{path}: digit clip has {len(clip)} samples after trimming, expected 1..{MAX_SAMPLES}")
            if label < 0 and (len(clip) == 0 or len(clip) > MAX_WORD):
                dropped += 1
                continue
            rows.append((set_id, language, speaker, word, label, len(blob), len(clip), package, licence))
            blob.extend(mulaw(v) for v in clip)
            kept += 1
        print(f"{set_id:12s} {package} {versions[package]}: {kept} clips")

    data = bytes(blob)
    header = "set\tlanguage\tspeaker\tword\tlabel\toffset\tlength\tpackage\tlicence\n"
    index = header + "".join("\t".join(str(v) for v in r) + "\n" for r in rows)
    for name, payload in (("clips.ulaw", data), ("index.tsv", index.encode("utf-8"))):
        final = os.path.join(args.out, name)
        with open(final + ".tmp", "wb") as f:
            f.write(payload)
        os.replace(final + ".tmp", final)
    print(f"{len(rows)} clips, {dropped} left out (silent, or not a digit and longer than 0.8 s), {len(blob) / RATE:.1f} s of audio")
    print(f"clips.ulaw {len(data)} bytes  sha256 {hashlib.sha256(data).hexdigest()}")
    print(f"index.tsv  {len(index)} bytes  sha256 {hashlib.sha256(index.encode('utf-8')).hexdigest()}")
    for package, version in versions.items():
        print(f"package {package} {version}")


if __name__ == "__main__":
    main()
