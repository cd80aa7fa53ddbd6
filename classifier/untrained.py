"""Build a YOLO-World checkpoint with random weights, without the internet.

Such a model has the production architecture, so it runs exactly as fast as the
real one, but it has learnt nothing: use it to test code paths and measure
speed, never to judge what the model finds.
"""

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .loading import import_yolo_world

TEXT_DIM = 512  # width of a CLIP ViT-B/32 text embedding, which YOLO-World expects


def build_untrained(arch: str, classes: Sequence[str], out: Path, seed: int = 0) -> Path:
    """Save an untrained `arch` (e.g. "yolov8s-worldv2.yaml") detecting `classes` to `out`.

    Normally `set_classes` asks CLIP for one text embedding per class name. CLIP
    is not available offline, and an untrained network makes no use of real
    embeddings anyway, so random unit vectors of the same shape stand in.
    """
    import torch

    yolo_world = import_yolo_world()
    # fork_rng: seed our own random numbers without disturbing the caller's.
    with torch.random.fork_rng():
        torch.manual_seed(seed)
        model = yolo_world(arch, verbose=False)
        text = torch.randn(1, len(classes), TEXT_DIM)
    # The torch network inside the wrapper; its attributes are too dynamic to type.
    world: Any = model.model
    world.txt_feats = text / text.norm(dim=-1, keepdim=True)  # CLIP embeddings are unit-norm
    world.model[-1].nc = len(classes)  # the detection head emits one score per class
    world.names = list(classes)  # what loading compares with the configured classes
    out.parent.mkdir(parents=True, exist_ok=True)
    model.save(out)
    return out
