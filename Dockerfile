FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY tsconfig.json ./
COPY src ./src
COPY jobs ./jobs
COPY data ./data
USER node
# The role (bot or worker) is the command's argument; see docker-compose.yml.
ENTRYPOINT ["node", "--import", "tsx", "src/main.ts"]
CMD ["bot"]
