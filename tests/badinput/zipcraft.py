# SPDX-License-Identifier: MIT
"""Zip archives written record by record, for shapes Python's zipfile will
not make: two end records, Unicode Path extra fields that disagree with the
raw name, local headers that disagree with the central directory,
overlapping entries, prepended bytes, ZIP64 fields that wrap.

Used by tests/badinput/zip_cases.py and by tests/fuzz/zip_seeds.py.  Only
the standard library; every archive is built in memory.

An Entry is what one member's records say; layout() places the local
headers and data one after the other and returns the bytes plus each
entry's offset; central() and end records are written separately, so a
caller can put several directories, or none, wherever it likes.
"""
import struct
import zlib

SIG_LOCAL = 0x04034B50
SIG_CENTRAL = 0x02014B50
SIG_EOCD = 0x06054B50
SIG_EOCD64 = 0x06064B50
SIG_LOCATOR = 0x07064B50

DOS_TIME, DOS_DATE = 0, (2024 - 1980) << 9 | 1 << 5 | 1  # 2024-01-01 00:00


def deflate(data):
    c = zlib.compressobj(6, zlib.DEFLATED, -15)
    return c.compress(data) + c.flush()


def extra_field(tag, payload):
    return struct.pack("<HH", tag, len(payload)) + payload


def unicode_path(name, raw_name):
    """A Unicode Path extra field (0x7075) giving name, with the CRC of
    raw_name (so readers that check the CRC believe it)."""
    return extra_field(0x7075, b"\x01" + struct.pack("<I", zlib.crc32(raw_name)) + name)


class Entry:
    def __init__(self, name, data, method=8, host=3, mode=0o100644, flags=0x0800,
                 comp=None, crc=None, size=None):
        self.name = name if isinstance(name, bytes) else name.encode()
        self.data = data
        self.method = method
        self.comp = comp if comp is not None else (deflate(data) if method == 8 else data)
        self.crc = zlib.crc32(data) if crc is None else crc
        self.size = len(data) if size is None else size
        self.host = host
        self.ext_attr = (mode << 16) & 0xFFFFFFFF
        self.flags = flags
        self.local_name = None     # None: the same as name
        self.local_extra = b""
        self.central_extra = b""
        self.offset = None         # set by layout()
        self.central_offset = None  # None: offset; set to lie about it

    def local(self):
        name = self.name if self.local_name is None else self.local_name
        return struct.pack("<IHHHHHIIIHH", SIG_LOCAL, 20, self.flags, self.method, DOS_TIME,
                           DOS_DATE, self.crc, len(self.comp), self.size, len(name),
                           len(self.local_extra)) + name + self.local_extra

    def central(self):
        off = self.offset if self.central_offset is None else self.central_offset
        return struct.pack("<IHHHHHHIIIHHHHHII", SIG_CENTRAL, self.host << 8 | 20, 20,
                           self.flags, self.method, DOS_TIME, DOS_DATE, self.crc,
                           len(self.comp), self.size, len(self.name), len(self.central_extra),
                           0, 0, 0, self.ext_attr, off) + self.name + self.central_extra


def layout(entries, start=0):
    """Local headers and data of entries, the first at file offset start."""
    out = bytearray()
    for e in entries:
        e.offset = start + len(out)
        out += e.local() + e.comp
    return bytes(out)


def central(entries):
    return b"".join(e.central() for e in entries)


def eocd(count, cd_size, cd_off, comment=b"", comment_len=None):
    n = len(comment) if comment_len is None else comment_len
    return struct.pack("<IHHHHIIH", SIG_EOCD, 0, 0, count, count, cd_size, cd_off, n) + comment


def eocd64(count, cd_size, cd_off, record_size=44):
    return struct.pack("<IQHHIIQQQQ", SIG_EOCD64, record_size, 45, 45, 0, 0, count, count,
                       cd_size, cd_off)


def locator(eocd64_off):
    return struct.pack("<IIQI", SIG_LOCATOR, 0, eocd64_off, 1)


def archive(entries, comment=b"", prefix=b""):
    """A plain, well-formed archive of entries (after prefix, offsets absolute)."""
    body = layout(entries, start=len(prefix))
    cd = central(entries)
    return prefix + body + cd + eocd(len(entries), len(cd), len(prefix) + len(body), comment)


def two_directories(first, second, zip64_second=True):
    """One file, two readings.  The archive is `first` as every strict
    reader takes it: its local entries, its central directory and its end
    record.  The end record's comment holds a second end record (with a
    ZIP64 locator, whose ZIP64 end record sits after the second directory
    and claims an extensible data sector reaching the locator) that points
    at a second central directory over the `second` entries, stored after
    the first ones.  A reader that takes the last end record in the file
    sees the second archive."""
    a = layout(first)
    b = layout(second, start=len(a))
    cd_b_off = len(a) + len(b)
    cd_b = central(second)
    eocd64_b_off = cd_b_off + len(cd_b)
    cd_a_off = eocd64_b_off + 56
    cd_a = central(first)
    eocd_a_off = cd_a_off + len(cd_a)
    if zip64_second:
        loc_off = eocd_a_off + 22
        rec64 = eocd64(len(second), len(cd_b), cd_b_off, record_size=loc_off - eocd64_b_off - 12)
        comment = locator(eocd64_b_off) + struct.pack(
            "<IHHHHIIH", SIG_EOCD, 0, 0, 0xFFFF, 0xFFFF, 0xFFFFFFFF, 0xFFFFFFFF, 0)
    else:
        rec64 = b"\0" * 56
        comment = eocd(len(second), len(cd_b), cd_b_off)
    return a + b + cd_b + rec64 + cd_a + eocd(len(first), len(cd_a), cd_a_off, comment)


def _gf2_times(mat, vec):
    out, i = 0, 0
    while vec:
        if vec & 1:
            out ^= mat[i]
        vec >>= 1
        i += 1
    return out


def _gf2_square(mat):
    return [_gf2_times(mat, mat[n]) for n in range(32)]


def crc32_combine(crc1, crc2, len2):
    """The CRC-32 of A + B from crc1 = crc(A), crc2 = crc(B), len2 = len(B),
    without B's bytes (zlib's crc32_combine, which Python does not offer):
    appending len2 zero bytes to A is a linear map, applied by squaring."""
    if len2 == 0:
        return crc1
    odd = [0xEDB88320] + [1 << n for n in range(31)]  # one zero bit
    even = _gf2_square(odd)                            # two zero bits
    odd = _gf2_square(even)                            # four zero bits
    while True:
        even = _gf2_square(odd)
        if len2 & 1:
            crc1 = _gf2_times(even, crc1)
        len2 >>= 1
        if not len2:
            break
        odd = _gf2_square(even)
        if len2 & 1:
            crc1 = _gf2_times(odd, crc1)
        len2 >>= 1
        if not len2:
            break
    return crc1 ^ crc2


def overlapping(names, kernel, tail_entries=()):
    """The overlapping-entry bomb: every entry's compressed data begins with
    a stored deflate block that quotes the next entry's local header and
    then runs on into that entry's data, so all entries share the one
    deflate stream `kernel` (compressed bytes) at the end of the chain.
    tail_entries (plain Entry objects) follow the chain.  Returns the
    archive bytes."""
    # Built from the last entry backwards: each local header needs the
    # CRC and size of everything its data quotes, which is the next
    # header followed by the next entry's content.
    kernel_out = zlib.decompress(kernel, -15)
    comp, crc, size = kernel, zlib.crc32(kernel_out), len(kernel_out)
    chain = []
    for name in reversed(names):
        e = Entry(name, b"", comp=comp, crc=crc, size=size)
        chain.insert(0, e)
        head = e.local()
        comp = b"\x00" + struct.pack("<HH", len(head), len(head) ^ 0xFFFF) + head + comp
        crc = crc32_combine(zlib.crc32(head), crc, size)
        size += len(head)
    # In the file each local header appears once: entry i's data is
    # everything from after its own header to the end of the kernel.
    out = bytearray()
    for i, e in enumerate(chain):
        e.offset = len(out)
        out += e.local()
        if i + 1 < len(chain):
            head = chain[i + 1].local()
            out += b"\x00" + struct.pack("<HH", len(head), len(head) ^ 0xFFFF)
    out += kernel
    tail = layout(list(tail_entries), start=len(out))
    out += tail
    everything = chain + list(tail_entries)
    cd = central(everything)
    return bytes(out) + cd + eocd(len(everything), len(cd), len(out))
