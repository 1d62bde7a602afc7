# Node 24, the active LTS line (maintained to April 2028); bookworm-slim for glibc and a small base.
ARG NODE_IMAGE=node:24-bookworm-slim

# Compiles TypeScript to dist/ with the dev dependencies, which stay in this stage.
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY jobs ./jobs
RUN npm run build

# The production dependencies only. Without optional ones too: they are TypeScript (an optional
# peer of Bull Board's validator, 23 MB) and msgpackr's native speed-up, which BullMQ does without.
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --omit=optional --no-audit --no-fund && npm cache clean --force

FROM ${NODE_IMAGE}
WORKDIR /app
ENV NODE_ENV=production \
    NODE_OPTIONS=--enable-source-maps \
    HEALTH_PORT=9464 \
    HEALTH_HOST=0.0.0.0
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY data ./data
# The image's unprivileged user; nothing under /app is writable by it.
USER node
EXPOSE 9464
# The role (bot or worker) is the command's argument; see docker-compose.yml.
ENTRYPOINT ["node", "dist/src/main.js"]
CMD ["bot"]
HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=3 CMD ["node", "dist/src/cli/probe.js", "/readyz"]
