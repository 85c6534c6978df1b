# syntax=docker/dockerfile:1
# rotlint in a container: a static (musl) binary on an empty image.
#   docker build -t rotlint .
#   docker run --rm --user "$(id -u):$(id -g)" -v "$PWD:/src" rotlint stacks/
# The build stage needs crates.io; the final image holds nothing but the binary.

FROM rust:1-alpine AS build
# musl-dev: the C runtime that static musl builds link against. Not pinned: Alpine keeps one
# version per release, and the rust image's Alpine release moves with it.
# hadolint ignore=DL3018
RUN apk add --no-cache musl-dev
WORKDIR /build
COPY Cargo.toml Cargo.lock ./
COPY src ./src
COPY rules ./rules
COPY data ./data
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/build/target \
    CARGO_PROFILE_RELEASE_STRIP=true CARGO_PROFILE_RELEASE_DEBUG=false \
    cargo build --release --locked \
    && cp target/release/rotlint /rotlint

FROM scratch
COPY --from=build /rotlint /rotlint
COPY LICENSE-MIT LICENSE-APACHE NOTICE /licenses/
WORKDIR /src
# Any unprivileged user: rotlint only reads the mounted templates (and writes reports you ask for).
USER 65532:65532
ENTRYPOINT ["/rotlint"]
