"""Stage 2, script: the writers (an LLM or the offline writer), their prompts and the checks -> script.json."""
