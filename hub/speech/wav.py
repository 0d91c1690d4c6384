"""Small WAV helpers on bytes, with the standard ``wave`` module only."""

from __future__ import annotations

import array
import io
import math
import sys
import wave
from collections.abc import Sequence
from dataclasses import dataclass


class WavError(ValueError):
    """Bytes that are not a PCM WAV we can use."""


@dataclass(frozen=True)
class WavFormat:
    """The PCM parameters two WAVs must share to be joined."""

    channels: int
    sample_width: int
    sample_rate: int

    def describe(self) -> str:
        """Say the format the way a person recording clips would."""
        layout = {1: "mono", 2: "stereo"}.get(self.channels, f"{self.channels}-channel")
        return f"{self.sample_rate} Hz {layout} {8 * self.sample_width}-bit"


@dataclass(frozen=True)
class Pcm:
    """Decoded PCM frames and their format."""

    format: WavFormat
    frames: bytes

    @property
    def duration(self) -> float:
        """Length in seconds."""
        frame_size = self.format.channels * self.format.sample_width
        return len(self.frames) / frame_size / self.format.sample_rate


def read_pcm(data: bytes) -> Pcm:
    """Decode a WAV, tolerating the "unknown length" header espeak-ng writes to stdout."""
    try:
        with wave.open(io.BytesIO(data), "rb") as reader:
            fmt = WavFormat(reader.getnchannels(), reader.getsampwidth(), reader.getframerate())
            # espeak-ng --stdout cannot seek back, so its header claims ~2**31 bytes;
            # readframes() simply returns what is really there.
            frames = reader.readframes(reader.getnframes())
    except (wave.Error, EOFError) as exc:
        raise WavError(f"not a PCM WAV: {exc or 'truncated'}") from None
    frame_size = fmt.channels * fmt.sample_width
    return Pcm(fmt, frames[: len(frames) - len(frames) % frame_size])


def write_wav(pcm: Pcm) -> bytes:
    """Encode PCM frames as a WAV with a correct header."""
    out = io.BytesIO()
    with wave.open(out, "wb") as writer:
        writer.setnchannels(pcm.format.channels)
        writer.setsampwidth(pcm.format.sample_width)
        writer.setframerate(pcm.format.sample_rate)
        writer.writeframes(pcm.frames)
    return out.getvalue()


def repair(data: bytes) -> bytes:
    """Rewrite a WAV so its header states its real length (players and soxi need it)."""
    return write_wav(read_pcm(data))


def duration(data: bytes) -> float:
    """Length of a WAV in seconds, from its frames rather than its header."""
    return read_pcm(data).duration


def silence(fmt: WavFormat, seconds: float) -> bytes:
    """PCM frames of silence in this format (8-bit WAV is unsigned, so silence is 0x80)."""
    frames = round(seconds * fmt.sample_rate)
    fill = b"\x80" if fmt.sample_width == 1 else b"\x00"
    return fill * (frames * fmt.channels * fmt.sample_width)


def concat(parts: Sequence[bytes], *, gap: float = 0.0, names: Sequence[str] = ()) -> bytes:
    """Join WAVs of one format into one, with optional silence between them."""
    if not parts:
        raise WavError("nothing to join")
    labels = list(names) or [f"part {i + 1}" for i in range(len(parts))]
    decoded = [read_pcm(part) for part in parts]
    first = decoded[0].format
    for label, pcm in zip(labels, decoded, strict=True):
        if pcm.format != first:
            raise WavError(
                f"{label} is {pcm.format.describe()} but {labels[0]} is {first.describe()}; "
                "every part must have the same format"
            )
    pause = silence(first, gap)
    return write_wav(Pcm(first, pause.join(pcm.frames for pcm in decoded)))


def rms_level(data: bytes) -> float:
    """Loudness of a 16-bit WAV as RMS relative to full scale (0.0 is digital silence)."""
    pcm = read_pcm(data)
    if pcm.format.sample_width != 2:
        raise WavError("rms_level only measures 16-bit WAVs")
    samples = array.array("h", pcm.frames)
    if sys.byteorder == "big":
        samples.byteswap()
    if not samples:
        return 0.0
    return math.sqrt(sum(s * s for s in samples) / len(samples)) / 32768.0
