"""Print the requirements of bird.ai's core and the named extras, one a line.

    python docker/requirements.py serve                 # what the runtime image needs
    python docker/requirements.py --variant gpu serve   # the same with onnxruntime-gpu
    python docker/requirements.py build                 # what the model stage needs

The Dockerfile installs these before it copies the code, so the layer with the
packages is rebuilt only when pyproject.toml changes, not at every code change.
An extra that names bird.ai itself (build = ["birdai[serve]", ...]) is expanded.
"""

import argparse
import re
import tomllib
from pathlib import Path

PYPROJECT = Path(__file__).resolve().parent.parent / "pyproject.toml"
SELF = re.compile(r"^birdai\[(?P<extras>[^\]]+)\]$")
# The GPU build of ONNX Runtime replaces the CPU one (both install the module
# onnxruntime). Its extras bring CUDA and cuDNN as pip packages, so any base
# image works on a host whose driver the container runtime passes in.
GPU = {"onnxruntime": "onnxruntime-gpu[cuda,cudnn]"}


def requirements(extras: list[str], variant: str = "cpu") -> list[str]:
    project = tomllib.loads(PYPROJECT.read_text())["project"]
    found = list(project["dependencies"])
    for extra in extras:
        found += _expand(project["optional-dependencies"], extra)
    if variant == "gpu":
        found = [_gpu(requirement) for requirement in found]
    return list(dict.fromkeys(found))  # the order kept, each once


def _expand(optional: dict[str, list[str]], extra: str) -> list[str]:
    found = []
    for requirement in optional[extra]:
        if match := SELF.match(requirement):
            for inner in match["extras"].split(","):
                found += _expand(optional, inner.strip())
        else:
            found.append(requirement)
    return found


def _gpu(requirement: str) -> str:
    name, sep, pin = requirement.partition("==")
    return f"{GPU[name]}{sep}{pin}" if name in GPU else requirement


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("extras", nargs="+", metavar="EXTRA")
    parser.add_argument("--variant", choices=("cpu", "gpu"), default="cpu")
    args = parser.parse_args()
    print("\n".join(requirements(args.extras, args.variant)))


if __name__ == "__main__":
    main()
