# syntax=docker/dockerfile:1
# bird.ai: one image for the web tier and the worker (course stage CA1, docs/stages/ca1.md).
#
#   docker build -t birdai .                          builds the model inside (needs internet)
#   docker build --build-arg MODEL_NAME=yolov8l-worldv2-untrained -t birdai .    offline demo
#   docker build --build-arg MODEL_SOURCE=context -t birdai .    the model in models/ instead
#   docker build --build-arg VARIANT=gpu -t birdai:gpu .         ONNX Runtime with CUDA
#   docker run birdai web | worker | COMMAND ...                 see docker/entrypoint.sh
#
# Stages: base (Debian, Python, GDAL) → packages (a virtualenv) → venv (the serving
# packages) → runtime. The model comes from model-build (torch and Ultralytics
# export it to ONNX) or from model-context; the runtime copies only the model
# files, never torch. podman builds it too (--format docker keeps the HEALTHCHECK).

# The official image by default; CI passes one made with debootstrap (no registry there).
ARG BASE_IMAGE=python:3.12-slim-bookworm
# build: the model stage builds the model; context: copy MODEL_DIR/MODEL_NAME.onnx (+ .json).
ARG MODEL_SOURCE=build
# The served model: yolov8l-worldv2 (official weights, needs internet) or ARCH-untrained.
ARG MODEL_NAME=yolov8l-worldv2
# cpu, or gpu: onnxruntime-gpu with CUDA and cuDNN from pip (the host brings the driver).
ARG VARIANT=cpu


# checkov:skip=CKV_DOCKER_7: the tag is in BASE_IMAGE's default above, where checkov does not look
FROM ${BASE_IMAGE} AS base
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    YOLO_OFFLINE=1 \
    YOLO_AUTOINSTALL=false
# GeoDjango loads GDAL (with GEOS and PROJ) at run time. The package's name
# carries the library's version: the newest one this Debian has (libgdal32 on
# Debian 12, libgdal36 on 13). Versions are not pinned: a rebuild takes the
# release's security updates.
# hadolint ignore=DL3008
RUN apt-get update \
    && gdal=$(apt-cache pkgnames libgdal | grep -E '^libgdal[0-9]+(t64)?$' | sort -V | tail -n1) \
    && apt-get install -y --no-install-recommends "$gdal" \
    && rm -rf /var/lib/apt/lists/*
ENV PATH=/opt/venv/bin:$PATH


# Python packages go into a virtualenv, which the runtime stage copies whole.
FROM base AS packages
RUN python3 -m venv /opt/venv
WORKDIR /src
COPY pyproject.toml requirements.lock ./
COPY docker/requirements.py docker/


# The packages the web tier and the ONNX/OpenVINO worker import: no torch.
FROM packages AS venv
ARG VARIANT
# The pip cache outlives the build (a cache mount), so a rebuild downloads nothing.
RUN --mount=type=cache,target=/root/.cache/pip \
    python docker/requirements.py --variant "$VARIANT" serve > serve.txt \
    && pip install -c requirements.lock -r serve.txt


# Builds the ONNX model: torch, Ultralytics and the exporters live only here.
FROM packages AS model-build
RUN --mount=type=cache,target=/root/.cache/pip \
    python docker/requirements.py build > build.txt \
    && pip install -c requirements.lock -r build.txt
COPY envreader envreader
COPY classifier classifier
COPY docker/build-model.sh docker/
ARG MODEL_NAME
RUN docker/build-model.sh "$MODEL_NAME"


# Or takes a model built beforehand (make model, make model-untrained) from the context.
FROM scratch AS model-context
ARG MODEL_DIR=models
ARG MODEL_NAME
# NAME*.onnx: the fp32 model and its variants beside it (NAME-int8.onnx), which the
# manifest lists; a model built with --fp32-only has none, and the glob still matches.
COPY ${MODEL_DIR}/${MODEL_NAME}*.onnx ${MODEL_DIR}/${MODEL_NAME}.json /src/models/


# model-build or model-context, as MODEL_SOURCE says. ":-build" repeats the default
# for podman 4.3 (Debian 12), whose buildah ignores an ARG's default when it picks
# the stages a build needs. A stage has no tag (hadolint takes it for an image).
# hadolint ignore=DL3006
FROM model-${MODEL_SOURCE:-build} AS model


FROM base AS runtime
# A fixed, numeric, unprivileged user: volumes and Kubernetes' runAsNonRoot can name it.
RUN groupadd --gid 10001 birdai \
    && useradd --uid 10001 --gid birdai --home-dir /app --no-create-home \
        --shell /usr/sbin/nologin birdai
COPY --from=venv /opt/venv /opt/venv
ARG VARIANT
# GPU: the dynamic linker must find the CUDA libraries that came as pip packages.
RUN if [ "$VARIANT" = gpu ]; then \
        find /opt/venv -path '*/nvidia/*/lib' -type d > /etc/ld.so.conf.d/nvidia-pip.conf \
        && ldconfig; \
    fi
WORKDIR /app
# The model before the code: it changes far less often, so its layer stays cached.
COPY --from=model /src/models/ models/
# /data: uploads (a volume in production); models/trt: TensorRT's engine cache (GPU).
RUN mkdir -p /data models/trt && chown birdai:birdai /data models/trt
COPY manage.py ./
# The rooms of docs/architecture.md, lowest first: each layer changes more often.
COPY envreader envreader
COPY classifier classifier
COPY accounts accounts
COPY submissions submissions
COPY map map
COPY gossip gossip
COPY workers workers
COPY birdai birdai
COPY docker/entrypoint.sh docker/healthcheck.py docker/
ARG MODEL_NAME
ENV BIRDAI_DATA_DIR=/data \
    BIRDAI_MODEL_WEIGHTS=/app/models/${MODEL_NAME}.onnx \
    PORT=8000
# Static files are collected into the image, where WhiteNoise serves them (the
# settings need some secret key to load; this one is used for nothing else).
# The code is compiled now: the app's user cannot write next to it, by design.
RUN BIRDAI_SECRET_KEY=collectstatic-only python manage.py collectstatic --no-input -v0 \
    && python -m compileall -q .
USER 10001:10001
# 8000: the web server; 8001: the inference service (the `inference` role).
EXPOSE 8000 8001
# The worker serves no HTTP: run it with --no-healthcheck (compose: healthcheck: disable: true).
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "docker/healthcheck.py"]
ENTRYPOINT ["docker/entrypoint.sh"]
CMD ["web"]
