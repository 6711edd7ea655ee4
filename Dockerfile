# syntax=docker/dockerfile:1
# One image for every Quest Fleet service; the compose file and the Kubernetes manifests
# pick the service by its compiled entry point, e.g. `dist/apps/projector/src/main.js`.
#   docker build -t quest-fleet:dev .
ARG NODE_IMAGE=node:20-bookworm-slim

# 1. Compile: the whole workspace with its dev dependencies, `npm run build` -> dist/.
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error
COPY . .
RUN npm run build

# 2. Production dependencies only, without the build tools.
FROM ${NODE_IMAGE} AS prod-deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund --loglevel=error && npm cache clean --force

# 3. What runs: compiled JavaScript and its dependencies, owned by root and read-only to
#    the unprivileged `node` user (uid 1000) the process runs as. Nothing is written
#    inside the image at run time (Kubernetes mounts the root filesystem read-only).
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    QF_HOST=0.0.0.0
WORKDIR /app
COPY --from=prod-deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
USER 1000:1000
EXPOSE 3000 3001 3010 3020 3100 3110 3120 50051 50052 50061
ENTRYPOINT ["node", "--enable-source-maps"]
CMD ["dist/apps/query-service/src/main.js"]
