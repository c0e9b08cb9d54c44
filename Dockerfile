# syntax=docker/dockerfile:1
# Loomline API: multi-stage build on the current Node.js LTS, run as an
# unprivileged user. One image, two jobs (see README, "Docker"):
#   - the default command is the server only, with the API login role's
#     credentials (DATABASE_API_URL) and never the migrator's;
#   - migrations are a separate, one-off step with the migrator's
#     credentials (DATABASE_URL), before the server starts:
#       docker run --rm -e DATABASE_URL=… … loomline node dist/src/cli/db.js migrate

ARG NODE_IMAGE=node:24-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY prisma ./prisma
COPY scripts ./scripts
COPY src ./src
RUN npm run build

FROM ${NODE_IMAGE} AS production-dependencies
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

FROM ${NODE_IMAGE} AS runtime
# Never migrate or seed from the server: those need the migrator's credentials.
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=4000 \
    MIGRATE_ON_START=false \
    SEED_ON_START=false
WORKDIR /app
COPY --from=production-dependencies --chown=root:root /app/node_modules ./node_modules
COPY --from=build --chown=root:root /app/dist ./dist
COPY --chown=root:root package.json ./
# The migrations: applied by the migration step, and compared with the
# database's ledger by the server's /readyz (not ready while any is pending).
COPY --chown=root:root sql ./sql
USER node
EXPOSE 4000
HEALTHCHECK --interval=30s --timeout=3s --start-period=20s \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||4000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# The server alone, as PID 1 (exec form, no shell): SIGTERM reaches its graceful shutdown.
CMD ["node", "dist/src/server.js"]
