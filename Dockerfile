# One image for every Quest Fleet service; the compose file / manifests pick the app
# by passing its entry point, e.g. `apps/projector/src/main.ts`.
FROM node:20-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY package.json tsconfig.base.json .swcrc ./
COPY tools ./tools
COPY libs ./libs
COPY apps ./apps
USER node
# Sources run through SWC on load (tools/register.js): the image has no separate build output.
ENTRYPOINT ["node", "-r", "./tools/register.js"]
CMD ["apps/query-service/src/main.ts"]
