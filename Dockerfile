# Multi-stage build: compile TypeScript and install production dependencies in one stage, then a slim
# non-root runtime that runs the compiled JavaScript in dist/ (no transpiling at start).
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# Scripts wait for the sources: `prepare` (the build) runs below, once they are copied.
RUN npm ci --no-audit --no-fund --ignore-scripts
COPY . .
RUN npm rebuild --no-audit --no-fund && npm run build && npm prune --omit=dev --no-audit --no-fund

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production BOSUN_DATA_DIR=/data
RUN apt-get update && apt-get install -y --no-install-recommends fonts-dejavu-core tini \
  && rm -rf /var/lib/apt/lists/* && mkdir -p /data && chown node:node /data
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/package.json ./
COPY bin ./bin
COPY drizzle ./drizzle
COPY assets ./assets
USER node
EXPOSE 9464 3000
ENTRYPOINT ["tini", "--", "node", "bin/bosun.js"]
CMD ["start"]
