"""The index of a converted DEIG folder (deig_model.json): format, architecture, source.

Torch-free, so that cheap checks (is the model converted? which architecture, which native size?)
import nothing heavy.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError

from scenes.errors import RendererUnavailable

from .config import DeigConfig

INDEX_FILE = "deig_model.json"
FORMAT = "deig-converted"
FORMAT_VERSION = 1
CONVERT_HINT = "Convert it once with 'deig convert deig SRC DST' (SRC: the folder holding model.pth and T5-XL/)."


class SourceRecord(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    file: str
    sha256: str
    bytes: int


class ConvertedIndex(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    format: str = FORMAT
    format_version: int = FORMAT_VERSION
    config: DeigConfig
    source: SourceRecord
    files: dict[str, str]


def is_converted(folder: Path) -> bool:
    return (Path(folder) / INDEX_FILE).is_file()


def read_index(folder: Path) -> ConvertedIndex:
    path = Path(folder) / INDEX_FILE
    try:
        index = ConvertedIndex.model_validate_json(path.read_text())
    except FileNotFoundError:
        raise RendererUnavailable(f"{folder} holds no converted DEIG model ({INDEX_FILE} missing)",
                                  hint=CONVERT_HINT) from None
    except ValidationError as exc:
        raise RendererUnavailable(f"{path} is not a valid DEIG model index: {exc.errors()[0]['msg']}",
                                  hint=CONVERT_HINT) from None
    if index.format != FORMAT or index.format_version != FORMAT_VERSION:
        raise RendererUnavailable(f"{path} has format {index.format} v{index.format_version}; this deig reads "
                                  f"{FORMAT} v{FORMAT_VERSION}", hint="Convert the checkpoint again.")
    return index
