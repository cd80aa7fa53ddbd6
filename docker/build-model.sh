#!/bin/sh
# The Dockerfile's model stage: build models/NAME.onnx and its manifest (.json).
#
#   docker/build-model.sh yolov8l-worldv2             the official weights; needs
#                                                     the internet (GitHub, CLIP)
#   docker/build-model.sh yolov8l-worldv2-untrained   ARCH-untrained: that architecture
#                                                     with random weights, offline
set -eu

name=$1
case $name in
    *-untrained)
        # For demos and tests: the real network's cost, but it has learnt nothing.
        python -m classifier build --untrained --arch "${name%-untrained}.yaml" \
            --out "models/$name.onnx"
        ;;
    yolov8l-worldv2)
        # The checkpoint goes outside models/: the runtime image copies that folder.
        python -m classifier fetch-weights --dest "/tmp/$name.pt"
        # Our classes differ from the checkpoint's, so the build encodes their
        # names with CLIP, which Ultralytics publishes on GitHub only.
        pip install --no-cache-dir https://github.com/ultralytics/CLIP/archive/refs/heads/main.zip
        python -m classifier build --weights "/tmp/$name.pt" --out "models/$name.onnx"
        rm "/tmp/$name.pt"
        ;;
    *)
        echo "build-model: no recipe for '$name' (yolov8l-worldv2, or ARCH-untrained);" \
            "build it on the host and pass MODEL_SOURCE=context" >&2
        exit 2
        ;;
esac
