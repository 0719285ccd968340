# Jira Auth Lab in a container: one static binary on a distroless base.
#
#   docker build --build-arg VERSION=$(git describe --always --dirty) -t jira-auth-lab .
#   docker run -p 8080:8080 -p 9090:9090 jira-auth-lab
#
# Every flag is an environment variable JIRA_AUTH_LAB_<FLAG> (bin/jira-auth-lab -h);
# server/e2e/container_test.go starts the binary with this file's ENV, as its USER
# would, and runs its HEALTHCHECK.

# The builder runs the Makefile's own build: the wasm, its brotli and gzip
# copies, then the server with CGO_ENABLED=0 (a static binary).
FROM golang:1.26-trixie AS build
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends brotli make \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
# No .git in the context (.dockerignore): the version comes from here.
ARG VERSION=dev
RUN make build VERSION=${VERSION}

# static: CA certificates (for https upstreams), /etc/passwd, no shell.
FROM gcr.io/distroless/static-debian13:nonroot
COPY --from=build /src/bin/jira-auth-lab /jira-auth-lab
# nonroot (65532) by number: a runtime that only accepts numeric non-root
# users (Kubernetes runAsNonRoot) can check it without reading /etc/passwd.
USER 65532:65532
# The app on every address; the built-in sandbox on loopback only (the
# proxy reaches it inside the container; set it to 0.0.0.0:8090 and publish
# the port to curl it from outside); Prometheus metrics on their own port.
ENV JIRA_AUTH_LAB_ADDR=0.0.0.0:8080 \
    JIRA_AUTH_LAB_SANDBOX_ADDR=127.0.0.1:8090 \
    JIRA_AUTH_LAB_METRICS_ADDR=0.0.0.0:9090
EXPOSE 8080 9090
# No curl in the image: the binary checks its own /readyz (the address and
# base path come from the same environment) and exits 0 or 1.
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 \
  CMD ["/jira-auth-lab", "-healthcheck"]
ENTRYPOINT ["/jira-auth-lab"]
