# syntax=docker/dockerfile:1
# MyMONIT: one image for every role. The command picks it: `serve` (REST), `consume` (AMQP consumer),
# `all` (both, the default), `migrate`, `user create`, `token`; adapters run `node dist/adapters/<name>/main.js`.
# Node 24 LTS (supported until April 2028); Node 20 reached end of life in April 2026. The code still runs
# on 20.19+ (package.json `engines`), which CI uses.
ARG NODE_IMAGE=node:24-bookworm-slim

# 1. Compile TypeScript with the dev dependencies.
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build

# 2. Production dependencies only (no TypeScript, jest, eslint, testcontainers, newman).
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

# 3. The runtime: compiled code, production node_modules, the OpenAPI contract. Files belong to root and
#    the process runs as the unprivileged "node" user, so the app cannot rewrite itself.
FROM ${NODE_IMAGE} AS runtime
# The source revision, shown by mymonit_build_info (docker build --build-arg MYMONIT_REVISION=$(git rev-parse HEAD)).
ARG MYMONIT_REVISION=""
ENV MYMONIT_REVISION=${MYMONIT_REVISION} \
    NODE_ENV=production \
    LOG_FORMAT=json \
    REST_PORT=8080
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json openapi.yaml ./
COPY bin ./bin
COPY scripts/healthcheck.js ./scripts/healthcheck.js
USER node
EXPOSE 8080
# REST roles answer /health/live; consumer containers override this with an HTTP check of /health/live on
# METRICS_PORT (docker-compose.yml), adapters with `healthcheck.js amqp`.
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 CMD ["node", "scripts/healthcheck.js", "live"]
STOPSIGNAL SIGTERM
CMD ["node", "dist/src/main.js", "all"]
