# syntax=docker/dockerfile:1
#
# Multi-stage build of the `thidua` API.
#   docker build -t thidua .
#   docker run --rm -p 8080:8080 thidua                    # SQLite in the /app/data volume
#   docker run --rm -p 8080:8080 -e DATABASE_URL=postgres://user:pass@host:5432/db thidua
# See docker-compose.yml for a ready-made PostgreSQL setup.

############################
# Builder
############################
FROM rust:1.95-bookworm AS builder

# SQLite (libsqlite3-sys `bundled`) and libpq (pq-sys `bundled` -> pq-src) are compiled
# from source with the C compiler of the image. pq-src builds libpq with OpenSSL support,
# so openssl-sys needs the OpenSSL headers and pkg-config (already in rust:*-bookworm;
# listed here so the requirement is explicit).
RUN apt-get update \
    && apt-get install -y --no-install-recommends pkg-config libssl-dev \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /build

# 1) Dependencies only: a dummy crate with the real manifest and lock file, so this
#    (slow) layer is reused as long as Cargo.toml / Cargo.lock do not change.
COPY Cargo.toml Cargo.lock ./
# .cargo/config.toml sets how the bundled SQLite is compiled (LIBSQLITE3_FLAGS).
COPY .cargo ./.cargo
RUN mkdir src \
    && echo 'fn main() {}' > src/main.rs \
    && touch src/lib.rs \
    && cargo build --release --locked --bin thidua \
    && rm -rf src

# 2) The application. migrations/ (diesel embed_migrations!), data/reference/*.csv,
#    templates/*.xml (include_str!) and fonts/*.ttf (include_bytes!, the PDFs' font) are
#    embedded at compile time and must be present before building; openapi/ holds the
#    checked-in OpenAPI document.
COPY src ./src
COPY migrations ./migrations
COPY data/reference ./data/reference
COPY templates ./templates
COPY fonts ./fonts
COPY openapi ./openapi
# COPY keeps the files' original mtimes, which may be older than the dummy build above;
# touch the crate roots so cargo rebuilds the thidua crate itself.
RUN touch src/main.rs src/lib.rs \
    && cargo build --release --locked --bin thidua \
    && cp target/release/thidua /usr/local/bin/thidua

############################
# Runtime
############################
FROM debian:bookworm-slim AS runtime

# libssl3: libpq (bundled) is linked against the system OpenSSL.
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates libssl3 \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --system --gid 10001 thidua \
    && useradd --system --uid 10001 --gid thidua --home-dir /app --no-create-home \
       --shell /usr/sbin/nologin thidua \
    && mkdir -p /app/data \
    && chown -R thidua:thidua /app

COPY --from=builder /usr/local/bin/thidua /usr/local/bin/thidua

WORKDIR /app
USER thidua

# The default DATABASE_URL is sqlite://data/thidua.db (relative to /app), kept in this volume.
VOLUME ["/app/data"]

ENV THIDUA_BIND=0.0.0.0:8080 \
    RUST_LOG=info
EXPOSE 8080

# No curl/wget in the slim image: bash's /dev/tcp sends a plain HTTP/1.0 request to the
# liveness endpoint. Assumes the default port 8080 (adjust if THIDUA_BIND changes).
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/8080 && printf 'GET /health/live HTTP/1.0\\r\\nHost: localhost\\r\\n\\r\\n' >&3 && head -n1 <&3 | grep -q ' 200 '"]

ENTRYPOINT ["/usr/local/bin/thidua"]
CMD ["serve", "--seed"]
