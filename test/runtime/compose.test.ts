import { existsSync, readFileSync } from "node:fs";
import { Ajv } from "ajv";
import draft07 from "ajv/dist/refs/json-schema-draft-07.json" with { type: "json" };
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { ROLES } from "../../src/app.ts";
import { CONFIG_VARIABLES, parseConfig } from "../../src/config.ts";

/** The Compose Specification's schema; see test/fixtures/compose/SOURCE.md for where it comes from. */
const schema = JSON.parse(readFileSync("test/fixtures/compose/compose-spec.json", "utf8")) as object;
const composeText = readFileSync("docker-compose.yml", "utf8");
const compose = parse(composeText, { merge: true }) as {
  services: Record<string, Service>;
};
const dockerfile = readFileSync("Dockerfile", "utf8");
const packageJson = JSON.parse(readFileSync("package.json", "utf8")) as {
  scripts: Record<string, string>;
  engines: { node: string };
};
const buildConfig = JSON.parse(readFileSync("tsconfig.build.json", "utf8")) as {
  compilerOptions: { outDir: string; rootDir: string };
};

interface Service {
  build?: unknown;
  command?: string[];
  environment?: Record<string, string | number>;
  expose?: string[];
  ports?: string[];
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }>;
  stop_grace_period?: string;
}

const zhibuServices = Object.entries(compose.services).filter(([, service]) => service.build !== undefined);
/** What a service's process sees: its environment with compose's `${VAR:-}` left empty, a token filled in. */
const environmentOf = (service: Service) => ({
  ...Object.fromEntries(
    Object.entries(service.environment ?? {}).map(([key, value]) => [
      key,
      String(value).replace(/\$\{[^}]*\}/g, ""),
    ]),
  ),
  BOT_TOKEN: "123456:TEST-token-for-the-compose-check-00",
});
/** `dist/src/x.js` as built from `src/x.ts` by `npm run build`. */
const sourceOf = (compiled: string) =>
  compiled.replace(new RegExp(`^${buildConfig.compilerOptions.outDir}/`), "").replace(/\.js$/, ".ts");
const seconds = (duration: string) => Number(/^(\d+)s$/.exec(duration)?.[1] ?? Number.NaN);

describe("docker-compose.yml", () => {
  it("is valid under the Compose Specification's JSON schema", () => {
    const ajv = new Ajv({ allErrors: true, strict: false });
    // The schema names draft 07 by its https address, which Ajv knows under http.
    ajv.addMetaSchema({ ...draft07, $id: "https://json-schema.org/draft-07/schema" });
    const validate = ajv.compile(schema);
    const valid = validate(parse(composeText, { merge: true }));
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
    expect(validate({ services: { bot: { comand: ["bot"] } } })).toBe(false);
    expect(validate({ services: { bot: { depends_on: { redis: { condition: "healthy" } } } } })).toBe(false);
  });

  it("runs the roles src/main.ts knows, with variables src/config.ts reads", () => {
    expect(zhibuServices.map(([name]) => name).sort()).toEqual(["bot", "worker"]);
    for (const [name, service] of zhibuServices) {
      expect(service.command).toEqual([name]);
      expect(ROLES).toContain(name);
      for (const variable of Object.keys(service.environment ?? {}))
        expect(CONFIG_VARIABLES).toContain(variable);
      expect(() => parseConfig(environmentOf(service))).not.toThrow();
    }
  });

  it("checks every zhibu service's health on the port its config gives, and waits for health", () => {
    for (const [, service] of zhibuServices) {
      const config = parseConfig(environmentOf(service));
      expect(config.health).toBeDefined();
      expect(service.expose).toEqual([String(config.health?.port)]);
      const [kind, program, script, path] = service.healthcheck?.test ?? [];
      expect([kind, program]).toEqual(["CMD", "node"]);
      expect(existsSync(sourceOf(script ?? ""))).toBe(true);
      expect(["/readyz", "/healthz"]).toContain(path);
      for (const [dependency, { condition }] of Object.entries(service.depends_on ?? {})) {
        expect(condition).toBe("service_healthy");
        expect(compose.services[dependency]?.healthcheck).toBeDefined();
      }
      // SIGKILL comes after the grace period: it must outlast the shutdown's own bound.
      expect(seconds(service.stop_grace_period ?? "")).toBeGreaterThan(config.shutdownTimeoutMs / 1000);
    }
  });

  it("publishes nothing beyond the host's loopback, and the dashboard on its configured port", () => {
    for (const [, service] of Object.values(compose.services).entries()) {
      for (const port of service.ports ?? []) expect(port).toMatch(/^127\.0\.0\.1:/);
    }
    const worker = compose.services.worker!;
    const dashboardPort = parseConfig({
      ...environmentOf(worker),
      DASHBOARD_PASSWORD: "a-long-enough-password",
    }).dashboard?.port;
    expect(worker.ports).toEqual([`127.0.0.1::${dashboardPort}`]);
  });

  it("keeps Redis durable: append-only file, no eviction", () => {
    const command = compose.services.redis?.command?.join(" ");
    expect(command).toContain("--appendonly yes");
    expect(command).toContain("--maxmemory-policy noeviction");
  });
});

describe("Dockerfile", () => {
  const instructions = dockerfile
    .replace(/\\\n\s*/g, " ")
    .split("\n")
    .filter((line) => line.trim() !== "" && !line.startsWith("#"));
  const argument = (name: string) =>
    instructions.find((line) => line.startsWith(`ARG ${name}=`))?.split("=")[1] ?? "";

  it("builds on a maintained Node LTS and runs compiled JavaScript as a user without privileges", () => {
    expect(argument("NODE_IMAGE")).toMatch(/^node:(22|24)[.-]/);
    expect(instructions.filter((line) => line.startsWith("FROM ")).length).toBeGreaterThan(1);
    expect(instructions).toContain("RUN npm run build");
    expect(packageJson.scripts.build).toBe("tsc -p tsconfig.build.json");
    expect(instructions.some((line) => line.includes("npm ci --omit=dev --omit=optional"))).toBe(true);
    const users = instructions.filter((line) => line.startsWith("USER "));
    expect(users.at(-1)).toBe("USER node");
    const entrypoint = JSON.parse(
      instructions.find((line) => line.startsWith("ENTRYPOINT "))?.slice(11) ?? "[]",
    ) as string[];
    expect(entrypoint[0]).toBe("node");
    expect(sourceOf(entrypoint[1] ?? "")).toBe("src/main.ts");
    const command = JSON.parse(
      instructions.find((line) => line.startsWith("CMD "))?.slice(4) ?? "[]",
    ) as string[];
    expect(ROLES).toContain(command[0]);
  });

  it("sets only variables src/config.ts reads, and checks health as compose does", () => {
    const env = instructions.find((line) => line.startsWith("ENV "))?.slice(4) ?? "";
    const variables = [...env.matchAll(/(\w+)=/g)].map((m) => m[1] ?? "");
    for (const variable of variables.filter((v) => !v.startsWith("NODE_")))
      expect(CONFIG_VARIABLES).toContain(variable);
    const healthcheck = instructions.find((line) => line.startsWith("HEALTHCHECK "));
    const probe = JSON.parse(/CMD (\[.*\])$/.exec(healthcheck ?? "")?.[1] ?? "[]") as string[];
    expect(probe).toEqual(compose.services.bot?.healthcheck?.test.slice(1));
  });

  it("lets this machine's Node 20 develop while the image runs an LTS that engines also allow", () => {
    expect(packageJson.engines.node).toMatch(/\^20\./);
    expect(packageJson.engines.node).toMatch(/24/);
  });
});
