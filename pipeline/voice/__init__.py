"""Stage 3, voice: every line synthesized by its host's TTS engine -> lines/*.wav and voice.json."""
