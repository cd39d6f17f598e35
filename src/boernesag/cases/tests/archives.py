"""Office archives for upload tests: a real OpenDocument text and zip bombs."""

import functools
import io
import struct
import zipfile
import zlib

ODT = "application/vnd.oasis.opendocument.text"
MB = 1_000_000


def _local_header(name: bytes, crc: int, packed: int, size: int) -> bytes:
    return struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0, crc, packed, size, len(name), 0)


def _central_header(name: bytes, crc: int, packed: int, size: int, offset: int) -> bytes:
    return struct.pack(
        "<IHHHHHHIIIHHHHHII",
        0x02014B50,
        20,
        20,
        0,
        8,
        0,
        0,
        crc,
        packed,
        size,
        len(name),
        0,
        0,
        0,
        0,
        0,
        offset,
    )


@functools.lru_cache
def zip_bomb(*, unpacked_mb: int, declared_mb: int | None = None) -> bytes:
    """An OpenDocument text whose content.xml unpacks to ``unpacked_mb`` MB of zeros — built
    from one compressed block repeated, so making it costs nothing. ``declared_mb`` lets the
    archive's directory lie about the size (as hand-made bombs do)."""
    block = b"\0" * MB
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = compressor.compress(block) + compressor.flush(zlib.Z_FULL_FLUSH)
    # After a full flush every identical block compresses identically.
    repeat = compressor.compress(block) + compressor.flush(zlib.Z_FULL_FLUSH)
    tail = compressor.flush(zlib.Z_FINISH)
    packed_data = first + repeat * (unpacked_mb - 1) + tail
    crc = 0
    for _ in range(unpacked_mb):
        crc = zlib.crc32(block, crc)
    size = (declared_mb if declared_mb is not None else unpacked_mb) * MB

    out = io.BytesIO()
    entries = []
    mimetype = ODT.encode()
    # mimetype, stored uncompressed, first (as ODF requires)
    entries.append((b"mimetype", out.tell(), zlib.crc32(mimetype), len(mimetype), len(mimetype)))
    out.write(
        struct.pack(
            "<IHHHHHIIIHH",
            0x04034B50,
            20,
            0,
            0,
            0,
            0,
            zlib.crc32(mimetype),
            len(mimetype),
            len(mimetype),
            8,
            0,
        )
        + b"mimetype"
        + mimetype
    )
    offset = out.tell()
    out.write(_local_header(b"content.xml", crc, len(packed_data), size) + b"content.xml")
    out.write(packed_data)
    entries.append((b"content.xml", offset, crc, len(packed_data), size))
    directory_start = out.tell()
    for name, at, entry_crc, packed, unpacked in entries:
        header = _central_header(name, entry_crc, packed, unpacked, at)
        if name == b"mimetype":  # stored, not deflated
            header = header[:10] + struct.pack("<H", 0) + header[12:]
        out.write(header + name)
    directory_size = out.tell() - directory_start
    out.write(
        struct.pack(
            "<IHHHHIIH",
            0x06054B50,
            0,
            0,
            len(entries),
            len(entries),
            directory_size,
            directory_start,
            0,
        )
    )
    return out.getvalue()


def odt(content: bytes = b"<office:document-content/>") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), ODT)
        archive.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
        archive.writestr("META-INF/manifest.xml", "<manifest/>")
    return buffer.getvalue()
