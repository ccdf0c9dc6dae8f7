# syntax=docker/dockerfile:1
# raygate's gate service. Node runs the TypeScript sources directly (type stripping), so there is no build
# step: production dependencies, the sources, the shipped policies and the web UI's files. Runs as a non-root user and writes only
# to /data (a volume: the embedded store, the VSA signing key, the OSV mirror, the TUF cache) and /tmp
# (Node's compile cache), so it runs with a read-only root file system.
FROM node:24-bookworm-slim

WORKDIR /app

# No production dependency builds native code (prebuilt binaries only), hence --ignore-scripts.
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force

COPY bin ./bin
COPY src ./src
COPY policies ./policies
COPY web ./web

# The node image's unprivileged user (uid 1000); numeric so runAsNonRoot admission checks can verify it.
RUN mkdir -p /data && chown 1000:1000 /data
USER 1000:1000

# Inside a container the service must listen on every interface; raygate's own default is loopback only.
ENV RAYGATE_HOST=0.0.0.0 \
    RAYGATE_PORT=8080 \
    RAYGATE_DATA=/data \
    RAYGATE_POLICIES=/app/policies

VOLUME ["/data"]
EXPOSE 8080

# The slim image has no curl: Node's fetch asks /healthz (the process answers; /readyz also checks the store).
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.RAYGATE_PORT||8080)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]

# SIGTERM stops gracefully: in-flight requests finish, running jobs get the grace period, then go back to the queue.
STOPSIGNAL SIGTERM
# --liftoff-only keeps the embedded store's WASM PostgreSQL on V8's baseline compiler: optimizing it costs
# ~500 MB for seconds after every start and ~50 MB for good (peak 812 → 389 MB in bench/gate-load.bench.ts).
ENTRYPOINT ["node", "--liftoff-only", "/app/bin/raygate.js"]
CMD ["serve"]
