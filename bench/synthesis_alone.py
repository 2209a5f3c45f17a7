"""The synthesis of a script's lines and nothing else, in a fresh process, as the voice stage does it.

`python -m bench.synthesis_alone CONFIG SCRIPT_JSON OUT_DIR`: the config's voices and workers, every
line synthesized into OUT_DIR (no line cache). `make bench` times this process from the outside
against the whole pipeline on the same lines.
"""

from __future__ import annotations

import sys
from pathlib import Path

from pipeline.config import load_config
from pipeline.models import Script
from pipeline.voice import synthesis


def main(config_path: str, script_path: str, out_dir: str) -> None:
    config = load_config(Path(config_path))
    script = Script.model_validate_json(Path(script_path).read_text(encoding="utf-8"))
    folder = Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    voices = {host.name: host.voice for host in config.hosts}
    jobs = [synthesis.Job(f"line {index}", voices[line.speaker].provider,
                          voices[line.speaker].parsed.model_dump(mode="json"), line.text, config.mix.sample_rate,
                          folder / f"{index:03d}.wav")
            for index, line in enumerate(script.lines, start=1)]
    synthesis.run_jobs(jobs, config.voicing.workers or synthesis.default_workers())


if __name__ == "__main__":
    main(*sys.argv[1:4])
