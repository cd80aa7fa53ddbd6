"""Build a YOLO-World checkpoint with random weights, without the internet.

Such a model has the production architecture, so it runs exactly as fast as the
real one, but it has learnt nothing: use it to test code paths and measure
speed, never to judge what the model finds. A "lively" one (`lively=True`) has
scores that depend on the image, so two precisions or backends of it can be
compared box for box; it has learnt nothing either.
"""

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .loading import import_yolo_world

TEXT_DIM = 512  # width of a CLIP ViT-B/32 text embedding, which YOLO-World expects


def build_untrained(
    arch: str, classes: Sequence[str], out: Path, seed: int = 0, lively: bool = False
) -> Path:
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
    return make_lively(out, out) if lively else out


def make_lively(weights: Path, out: Path) -> Path:
    """A copy of untrained `weights` whose scores depend on the image, saved to `out`.

    Random initialisation shrinks the signal layer after layer, so an untrained
    network scores every anchor almost alike (about 5e-5, ties to 1e-6). Among
    ties, which boxes survive NMS is down to rounding, which differs between
    runtimes and precisions. Setting every BatchNorm's statistics from one
    forward pass restores unit-variance activations: scores then spread from
    0.01 to about 0.7, so two backends can be compared box for box.
    """
    import torch

    model = import_yolo_world()(str(weights), verbose=False)
    network: Any = model.model  # the torch network; its attributes are too dynamic to type
    norms = [m for m in network.modules() if isinstance(m, torch.nn.BatchNorm2d)]
    for norm in norms:
        norm.reset_running_stats()
        norm.momentum = None  # a plain average over the batches seen: here, one
    network.train()
    with torch.no_grad():
        network(torch.rand(2, 3, 384, 640, generator=torch.Generator().manual_seed(0)))
    network.eval()
    for norm in norms:
        norm.momentum = 0.03  # ultralytics' value, as a loaded checkpoint has it
    model.save(out)
    return out
