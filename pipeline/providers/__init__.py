"""What every provider shares, whatever its stage: typed options, retries, the OpenAI-compatible client.

A provider is a small class with a `name`, typed `Options` and one main method. Each lives in the
stage package that uses it (LLM writers in `pipeline.script.writers`, TTS engines in
`pipeline.voice.engines`, publish targets in `pipeline.publish.targets`), listed in that package's
registry; tests register fakes through those same dictionaries (monkeypatch.setitem), so a fake goes
through exactly the path a real provider takes.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class ProviderOptions(BaseModel):
    """Options of one provider, straight from its block in config.yaml. Unknown keys are errors.

    A field whose name ends in `_env` names an environment variable that holds a secret; the config
    loader checks that it is set, and the secret itself never enters the config object.
    """

    model_config = ConfigDict(extra="forbid")
