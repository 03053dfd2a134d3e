# Proves the project's image inside itself: make check-figures re-executes every notebook from the
# image's committed runs and fails if a figure or notebook differs from the committed one. Built (not
# run) by make image, as a build step, so that it works where containers cannot be run.
#   podman build --build-arg IMAGE=lenet5-fashion-mnist -f scripts/image-check.Dockerfile scripts
ARG IMAGE=lenet5-fashion-mnist
FROM ${IMAGE}
# On a difference, the difference itself (make check-figures prints only which files).
RUN make check-figures || { git diff -- figures notebooks | head -c 20000; exit 1; }
