# The project in one image: everything `make setup` installs (Debian's packages, npm ci, the native
# TensorFlow binding, the data, JupyterLab with the tslab kernel, the compiled library), the
# committed runs, and the user node (UID 1000, as Binder expects), on Node.js 22 and Debian bookworm.
#   docker build -t lenet5-fashion-mnist .                  (or: make image, which also proves it)
#   docker run -p 8888:8888 lenet5-fashion-mnist            JupyterLab on the notebooks (open the URL with the token it prints)
#   docker run lenet5-fashion-mnist make check-figures      or make figures, make test, npm run study -- --help
# About 1 GiB of memory per training worker for a full run; reading the committed runs needs far less.
# README, "One image: Docker, Binder, dev containers", says more.
FROM node:22-bookworm-slim

# Building behind a TLS-intercepting proxy: the CA bundle npm (NODE_EXTRA_CA_CERTS) and pip (PIP_CERT)
# should trust, as build arguments, so that nothing of it stays in the image (make image passes this
# machine's own when it has one). Unset, they change nothing.
ARG NODE_EXTRA_CA_CERTS
ARG PIP_CERT

# What the set-up needs to build and run: Python 3.11 with venv and pip (JupyterLab; the tensorflow-cpu
# wheel the binding's libtensorflow comes from), g++ and make (the binding), git (make check-figures
# compares regenerated figures with the committed ones), then the project's own list of Debian
# packages (Chromium, the font, GNU parallel, the data set), installed by its own script.
USER root
ENV DEBIAN_FRONTEND=noninteractive
RUN apt-get update -q \
 && apt-get install -y -q --no-install-recommends ca-certificates python3 python3-venv python3-pip g++ make git \
 && rm -rf /var/lib/apt/lists/*
COPY scripts/install-system-packages.sh /usr/local/share/lenet5/install-system-packages.sh
RUN apt-get update -q \
 && bash /usr/local/share/lenet5/install-system-packages.sh \
 && rm -rf /var/lib/apt/lists/*
# npm 11 honours package.json's allowScripts (tfjs-node's own installer held back); Node.js 22's image has npm 10.
RUN npm install --global --no-audit --no-fund npm@11.19.1 && npm cache clean --force

# The project, owned by the user that runs it. The copied files become a one-commit git repository,
# so that make check-figures has the committed figures and notebooks to compare with.
USER node
ENV HOME=/home/node
WORKDIR /home/node/project
COPY --chown=node:node . .
RUN git init -q && git add -A \
 && git -c user.name=image -c user.email=image@localhost commit -q -m "the project as copied into the image"

# make setup, every step as in the README; then the download caches go (the wheel alone is 273 MB:
# its libraries are in node_modules/@tensorflow/tfjs-node/deps).
RUN make setup && rm -rf .cache/wheels "$HOME/.npm" "$HOME/.cache/pip"

# Node.js 22 warns at run time of APIs it deprecated that the project's dependencies still call
# (tfjs-node's util.isNullOrUndefined, util.isArray): in a notebook the warnings land in the outputs,
# and the executed notebooks would differ from the committed ones (written on Node.js 20).
ENV PATH=/home/node/project/.venv/bin:/home/node/project/node_modules/.bin:$PATH \
    TF_ENABLE_ONEDNN_OPTS=1 TF_NUM_INTRAOP_THREADS=1 TF_NUM_INTEROP_THREADS=1 TF_CPP_MIN_LOG_LEVEL=2 \
    NODE_OPTIONS=--no-deprecation
EXPOSE 8888
CMD ["jupyter", "lab", "--ip=0.0.0.0", "--port=8888", "--no-browser", "--notebook-dir=notebooks"]
