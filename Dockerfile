# Multi-stage build: dependencies in one stage, a slim non-root runtime in the other.
FROM node:20-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production BOSUN_DATA_DIR=/data
RUN apt-get update && apt-get install -y --no-install-recommends fonts-dejavu-core tini \
  && rm -rf /var/lib/apt/lists/* && mkdir -p /data && chown node:node /data
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY --chown=node:node . .
USER node
EXPOSE 9464 3000
ENTRYPOINT ["tini", "--", "node", "bin/bosun.js"]
CMD ["start"]
