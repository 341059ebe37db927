"""The saved fast tokenizer, read with the ``tokenizers`` library alone.

Loading a model through ``transformers.AutoTokenizer`` imports transformers
(about 2 s of start-up on 2 cores) for what ``tokenizer.json`` already holds.
``FastTokenizer`` answers the few calls inference makes (a batch call with
offsets, ``pad_token_id``, ``len``, ``save_pretrained``) with the same ids and
offsets as transformers' fast tokenizer (a test compares them). Training keeps
transformers' tokenizer; both are accepted wherever a tokenizer is expected.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

# Files a saved transformers tokenizer may consist of; the ones present are copied on save.
FILES = ("tokenizer.json", "tokenizer_config.json", "special_tokens_map.json")


class FastTokenizer:
    is_fast = True

    def __init__(self, model_dir: str | Path):
        from tokenizers import Tokenizer

        self.source = Path(model_dir)
        try:
            self._tok = Tokenizer.from_file(str(self.source / "tokenizer.json"))
        except Exception as exc:  # the Rust library raises a bare Exception on a bad file
            first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise ValueError(f"tokenizer.json: {first}") from None
        # tokenizer.json may carry a truncation or padding setting from when it was
        # saved; transformers ignores it when told truncation=False, so do we.
        self._tok.no_truncation()
        self._tok.no_padding()
        config = json.loads((self.source / "tokenizer_config.json").read_text(encoding="utf-8"))
        pad = config.get("pad_token")
        pad = pad.get("content") if isinstance(pad, dict) else pad
        self.pad_token_id = self._tok.token_to_id(pad) if pad else None

    def __len__(self) -> int:
        return self._tok.get_vocab_size(with_added_tokens=True)

    def __call__(
        self,
        texts: list[str],
        add_special_tokens: bool = True,
        truncation: bool = False,
        max_length: int | None = None,
        return_offsets_mapping: bool = False,
        verbose: bool = False,
    ) -> dict[str, Any]:
        if truncation and max_length:
            self._tok.enable_truncation(max_length)
        try:
            encs = self._tok.encode_batch(list(texts), add_special_tokens=add_special_tokens)
        finally:
            self._tok.no_truncation()
        out: dict[str, Any] = {"input_ids": [e.ids for e in encs]}
        if return_offsets_mapping:
            out["offset_mapping"] = [e.offsets for e in encs]
        return out

    def save_pretrained(self, out_dir: str | Path) -> None:
        for name in FILES:
            if (self.source / name).is_file():
                shutil.copyfile(self.source / name, Path(out_dir) / name)
