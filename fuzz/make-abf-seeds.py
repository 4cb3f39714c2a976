#!/usr/bin/env python3
# Copyright 2026 The Neurode authors
# SPDX-License-Identifier: GPL-3.0-or-later
"""Small fuzzer seeds from real ABF files: the same headers, cut to one sweep
of 64 samples per channel, so each run of the fuzzer takes microseconds
instead of reading megabytes.  Usage: make-abf-seeds.py OUTDIR FILE.abf..."""
import os
import struct
import sys

FRAMES = 64


def shrink_v2(b):
    b = bytearray(b)
    nch = struct.unpack_from("<q", b, 76 + 16 * 1 + 8)[0]
    data_blk, size, _ = struct.unpack_from("<IIq", b, 76 + 16 * 10)
    count = nch * FRAMES
    struct.pack_into("<I", b, 12, 1)                       # lActualEpisodes
    prot_blk = struct.unpack_from("<I", b, 76)[0]
    struct.pack_into("<i", b, prot_blk * 512 + 22, count)  # lNumSamplesPerEpisode
    struct.pack_into("<q", b, 76 + 16 * 10 + 8, count)     # DataSection count
    end = data_blk * 512 + size * count
    for i in range(18):                                    # drop sections after the data
        blk = struct.unpack_from("<I", b, 76 + 16 * i)[0]
        if i != 10 and blk * 512 >= data_blk * 512:
            struct.pack_into("<IIq", b, 76 + 16 * i, 0, 0, 0)
    return bytes(b[:end])


def shrink_v1(b):
    b = bytearray(b)
    nch = struct.unpack_from("<h", b, 120)[0]
    data_ptr = struct.unpack_from("<i", b, 40)[0]
    count = nch * FRAMES
    struct.pack_into("<i", b, 10, count)     # lActualAcqLength
    struct.pack_into("<i", b, 16, 1)         # lActualEpisodes
    struct.pack_into("<i", b, 138, count)    # lNumSamplesPerEpisode
    struct.pack_into("<ii", b, 44, 0, 0)     # no tags
    struct.pack_into("<ii", b, 92, 0, 0)     # no sweep table
    return bytes(b[:data_ptr * 512 + 2 * count])


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    for path in sys.argv[2:]:
        b = open(path, "rb").read()
        small = shrink_v2(b) if b[:4] == b"ABF2" else shrink_v1(b)
        name = os.path.join(out, "mini-" + os.path.basename(path))
        open(name, "wb").write(small)


if __name__ == "__main__":
    main()
