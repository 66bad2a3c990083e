#!/usr/bin/env python3
"""What a live heap dump holds, by primitive array type and length.

Sluice keeps every tensor's values in one Java array, so grouping a dump's arrays by length names them: a length of
576*1536 is an MLP weight (or its gradient, or an AdamW moment), 128*49152 a logits buffer, and so on. G1 fills the
unused tail of a humongous region with an int[] "filler", so many int[] of one odd length are region waste, not data.

    SLUICE_JAVA_OPTS=-Xmx3500m ./sluice bench lm --threads 2 --heap-dump /tmp/step.hprof
    python3 bench/hprof_arrays.py /tmp/step.hprof [--top 20]

Reads HPROF 1.0.2 (what HotSpot writes); skips array contents, so a 2.5 GB dump takes about a second.
"""
import argparse
import collections
import struct

SIZES = {4: 1, 5: 2, 6: 4, 7: 8, 8: 1, 9: 2, 10: 4, 11: 8}
NAMES = {4: 'boolean', 5: 'char', 6: 'float', 7: 'double', 8: 'byte', 9: 'short', 10: 'int', 11: 'long'}
MIB = 1048576


def arrays(path):
    """Counter of (element type, length) over every primitive array, and the instances' field bytes."""
    counts = collections.Counter()
    instance_bytes = 0
    with open(path, 'rb') as f:
        while f.read(1) not in (b'\0', b''):
            pass                                                   # the format's name, NUL-terminated
        ids = struct.unpack('>I', f.read(4))[0]
        f.read(8)                                                  # timestamp
        while True:
            head = f.read(9)
            if len(head) < 9:
                break
            tag, _, length = struct.unpack('>BII', head)
            if tag not in (0x0C, 0x1C):                            # only heap dump (segments) hold objects
                f.seek(length, 1)
                continue
            end = f.tell() + length
            while f.tell() < end:
                sub = f.read(1)[0]
                if sub in (0xFF, 0x05, 0x07):                      # root unknown, sticky class, monitor used
                    f.seek(ids, 1)
                elif sub == 0x01:                                  # JNI global
                    f.seek(2 * ids, 1)
                elif sub in (0x02, 0x03, 0x08):                    # JNI local, Java frame, thread object
                    f.seek(ids + 8, 1)
                elif sub in (0x04, 0x06):                          # native stack, thread block
                    f.seek(ids + 4, 1)
                elif sub == 0x20:                                  # class dump
                    f.seek(7 * ids + 8, 1)
                    for _ in range(struct.unpack('>H', f.read(2))[0]):        # constant pool
                        f.seek(2, 1)
                        t = f.read(1)[0]
                        f.seek(ids if t == 2 else SIZES[t], 1)
                    for _ in range(struct.unpack('>H', f.read(2))[0]):        # static fields
                        f.seek(ids, 1)
                        t = f.read(1)[0]
                        f.seek(ids if t == 2 else SIZES[t], 1)
                    f.seek((ids + 1) * struct.unpack('>H', f.read(2))[0], 1)  # instance field names and types
                elif sub == 0x21:                                  # instance
                    f.seek(2 * ids + 4, 1)
                    n = struct.unpack('>I', f.read(4))[0]
                    f.seek(n, 1)
                    instance_bytes += n
                elif sub == 0x22:                                  # object array
                    f.seek(ids + 4, 1)
                    n = struct.unpack('>I', f.read(4))[0]
                    f.seek(ids + n * ids, 1)
                elif sub == 0x23:                                  # primitive array
                    f.seek(ids + 4, 1)
                    n, t = struct.unpack('>IB', f.read(5))
                    f.seek(n * SIZES[t], 1)
                    counts[(t, n)] += 1
                else:
                    raise SystemExit(f'{path}: unknown heap dump record 0x{sub:02x} at byte {f.tell() - 1}')
    return counts, instance_bytes


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('dump')
    ap.add_argument('--top', type=int, default=20, help='largest (type, length) groups to list')
    args = ap.parse_args()
    counts, instance_bytes = arrays(args.dump)
    by_type = collections.Counter()
    for (t, n), c in counts.items():
        by_type[NAMES[t]] += c * n * SIZES[t]
    print(f'instance fields: {instance_bytes / MIB:.1f} MiB')
    for name, b in by_type.most_common():
        if b >= MIB / 10:
            print(f'{name}[]: {b / MIB:.1f} MiB')
    print(f'largest groups (type, length, count, MiB):')
    groups = sorted(((c * n * SIZES[t], t, n, c) for (t, n), c in counts.items()), reverse=True)
    for b, t, n, c in groups[:args.top]:
        print(f'  {NAMES[t]:>7}[{n:>10}] x {c:5} = {b / MIB:8.1f}')


if __name__ == '__main__':
    main()
