# Treasure Hunt Engine: a multi-stage build. The runtime image holds the binary and CA certificates only, and
# runs as an unprivileged user.
#
#   docker build -t treasure-hunt .
#   docker run -p 8080:8080 treasure-hunt serve --demo --listen 0.0.0.0:8080

FROM rust:1.95-slim-bookworm AS build
WORKDIR /src
# Dependencies first, so that source changes do not rebuild them.
COPY Cargo.toml Cargo.lock ./
COPY .cargo .cargo
COPY migrations/Cargo.toml migrations/Cargo.toml
RUN mkdir -p src migrations/src bench \
    && echo 'fn main() {}' > src/main.rs && touch src/lib.rs migrations/src/lib.rs \
    && echo 'fn main() {}' > bench/subscribers.rs \
    && cargo build --release --locked --bin treasure-hunt || true
COPY . .
RUN touch src/main.rs src/lib.rs migrations/src/lib.rs \
    && cargo build --release --locked --bin treasure-hunt \
    && strip target/release/treasure-hunt

FROM debian:bookworm-slim AS runtime
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --home-dir /var/lib/treasure-hunt --create-home hunt
COPY --from=build /src/target/release/treasure-hunt /usr/local/bin/treasure-hunt
USER 10001
WORKDIR /var/lib/treasure-hunt
ENV HUNT_LISTEN=0.0.0.0:8080 \
    HUNT_LOG_FORMAT=json \
    DATABASE_URL=sqlite:///var/lib/treasure-hunt/treasure-hunt.db?mode=rwc
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s CMD ["treasure-hunt", "health"]
ENTRYPOINT ["treasure-hunt"]
CMD ["serve"]
