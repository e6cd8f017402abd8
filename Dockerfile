# syntax=docker/dockerfile:1
# Greenlight for more than one machine: Node 20 slim, non-root, Terraform included, health check
# on /healthz (which includes the database). See README, "Running on more than one machine".

FROM node:20-bookworm-slim AS build
WORKDIR /app
# better-sqlite3 (the embedded default store) builds from source here.
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --ignore-scripts && npm rebuild better-sqlite3
COPY . .
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

# Terraform from HashiCorp's own image (no download step of ours).
FROM hashicorp/terraform:1.11 AS terraform

FROM node:20-bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates tini && rm -rf /var/lib/apt/lists/* \
  && useradd --create-home --uid 10001 greenlight && mkdir /data && chown greenlight /data
COPY --from=terraform /bin/terraform /usr/local/bin/terraform
WORKDIR /app
COPY --from=build --chown=greenlight:greenlight /app /app
USER greenlight
ENV NODE_ENV=production GREENLIGHT_DATA_DIR=/data GREENLIGHT_HOST=0.0.0.0 PORT=3000
VOLUME /data
EXPOSE 3000
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
ENTRYPOINT ["/usr/bin/tini", "--", "node", "bin/greenlight.js"]
CMD ["start"]
