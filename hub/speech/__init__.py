"""Spoken calls without Qt: the words of a call (speech_text), espeak-ng or recorded clips
and the chime (synth), and WAV files (wav). The hall display's announcer
(counter_display/announce) plays them; the hub's web side serves them as /announce.wav."""
