# syntax=docker/dockerfile:1
#
# One image for every mikrosync role. The role is the CLI command, so docker-compose.yml picks it
# with `command:` (migrate, producer, worker --domain <name>, ...) and `docker run IMAGE status`
# or `docker run IMAGE dlq list` work for operators.
#
# Stages:
#   toolchain  node + python3/make/g++ + the package manifests
#   build      full `npm ci` (TypeScript and @types are dev dependencies) and `tsc -b`
#   prod       `npm ci --omit=dev` + the compiled dist folders + db/ (no TypeScript sources)
#   runtime    slim node image with /app from `prod`, running as the unprivileged `node` user

# Node 24, the current LTS (Node 20 reached end of life in April 2026). The native modules of the
# production install build and load on it (better-sqlite3 12 supports 20 to 25, msgpackr-extract is
# N-API); development machines on Node 20 run the same code (engines >=20.11).
ARG NODE_IMAGE=node:24-bookworm-slim

FROM ${NODE_IMAGE} AS toolchain
# node-gyp needs these when a native module (msgpackr-extract under bullmq) has no prebuilt
# binary for the target platform; they stay out of the runtime image.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
# Manifests only, so the npm ci layers below are reused until a dependency changes. npm ci with
# workspaces needs every workspace's package.json, and creates node_modules/@mikrosync/* as
# relative symlinks to packages/* and apps/*: the directory layout must stay the same up to runtime.
COPY package.json package-lock.json ./
COPY packages/core/package.json packages/core/
COPY packages/mappers/package.json packages/mappers/
COPY packages/connectors/package.json packages/connectors/
COPY apps/workers/package.json apps/workers/
COPY apps/producer/package.json apps/producer/

FROM toolchain AS build
RUN --mount=type=cache,target=/root/.npm npm ci --no-audit --no-fund
COPY tsconfig.base.json tsconfig.json ./
COPY packages packages
COPY apps apps
RUN npm run build

FROM toolchain AS prod
ENV NODE_ENV=production
# A fresh production install rather than `npm prune`: it is exactly what the lockfile says, with
# no leftovers of the dev install, and it can run in parallel with the build stage.
RUN --mount=type=cache,target=/root/.npm npm ci --omit=dev --no-audit --no-fund
# Plain `node` resolves the workspace packages through the `default` export condition (dist);
# the `source` condition (src/*.ts) is only for development with --conditions=source.
COPY --from=build /app/packages/core/dist packages/core/dist
COPY --from=build /app/packages/mappers/dist packages/mappers/dist
COPY --from=build /app/packages/connectors/dist packages/connectors/dist
COPY --from=build /app/apps/workers/dist apps/workers/dist
COPY --from=build /app/apps/producer/dist apps/producer/dist
# Read at runtime: db/migrations by `migrate` (resolved relative to packages/connectors/dist, so
# db/ must sit at /app/db), db/dev and db/erp-standin by `dev-setup`.
COPY db db

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
WORKDIR /app
# Owned by root and read-only for the app user: the process never needs to write its own code.
COPY --from=prod /app /app
USER node
# The producer's HTTP port (Bull Board, /healthz, /readyz, /metrics); workers listen on nothing.
EXPOSE 3456
ENTRYPOINT ["node", "apps/producer/dist/cli.js"]
CMD ["start"]
