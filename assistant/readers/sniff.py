"""UTF-16 text saved without a byte-order mark (Notepad's "Unicode" from some tools, exports of older
systems): recognised by where its zero bytes fall, read instead of being called binary."""

from __future__ import annotations


def utf16_text(data: bytes) -> str | None:
    """The text of UTF-16 (little- or big-endian) bytes without a BOM, or None when they are not that.
    ASCII characters (digits, tabs, line breaks) put a zero byte on one side of each pair and almost
    never on the other; the whole must decode, hold no NUL, and print."""
    sample = data[:8192]
    if len(sample) < 4:
        return None
    for encoding, side in (("utf-16-le", 1), ("utf-16-be", 0)):
        here, other = sample[side::2].count(0), sample[1 - side :: 2].count(0)
        if here < 2 or other * 4 > here:
            continue
        try:
            text = data[: len(data) - len(data) % 2].decode(encoding)
        except UnicodeDecodeError:
            continue
        head = text[:4000]
        if "\x00" in text or sum(ch.isprintable() or ch in "\t\r\n" for ch in head) < 0.95 * len(head):
            continue
        return text
    return None
