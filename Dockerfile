# dcc-verify serve: the HTTP verification service in a container.
#
#   docker build -t dcc-verify .
#   docker run --read-only --cap-drop ALL -p 8080:8080 \
#     -v /var/lib/dcc-trust:/var/lib/dcc-trust:ro dcc-verify
#
# The service writes nothing: the root filesystem can be (and should be) read-only, and the
# trust-list cache is mounted read-only; `dcc-verify trust import` updates it from outside
# (see docs/service.md, "Deploying at scale").

# The toolchain the project is developed and tested with (the locked dependencies need at
# least 1.88: time 0.3.55, through x509-parser).
FROM rust:1.95-bookworm AS build
WORKDIR /src
COPY . .
RUN cargo build --release --locked --features server --bin dcc-verify

# Distroless: glibc and libgcc (ring needs them), no shell, no package manager; runs as the
# unprivileged user 65532.
FROM gcr.io/distroless/cc-debian12:nonroot
COPY --from=build /src/target/release/dcc-verify /usr/local/bin/dcc-verify
USER 65532:65532
EXPOSE 8080
ENTRYPOINT ["/usr/local/bin/dcc-verify", "serve", "--listen", "0.0.0.0:8080", "--log-format", "json"]
# Replace to change the trust source or add rules, e.g. `--cache DIR --rules FILE --country XX`.
CMD ["--cache", "/var/lib/dcc-trust"]
