/**
 * Fetch guard bench: `npm run bench:fetch-guard`. What refusing the host's own network costs: the
 * address classifier per call (IPv4, IPv6, IPv4 wrapped in IPv6), and a request to a loopback
 * page by IP literal (no lookup) against the same request by a name through the guarded lookup,
 * each on a fresh connection so that every request pays the lookup. The last line is JSON.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { nonPublicRange } from "../../src/ingest/address-policy.ts";
import { createHttpClient } from "../../src/ingest/http.ts";

const CLASSIFY_ROUNDS = 200_000;
const REQUESTS = 400;

function nsPerCall(addresses: string[]): number {
  let sink = 0;
  const started = process.hrtime.bigint();
  for (let i = 0; i < CLASSIFY_ROUNDS; i++) {
    if (nonPublicRange(addresses[i % addresses.length] ?? "") !== undefined) sink++;
  }
  const elapsed = Number(process.hrtime.bigint() - started);
  if (sink < 0) throw new Error("unreachable");
  return Math.round(elapsed / CLASSIFY_ROUNDS);
}

const ipv4Ns = nsPerCall(["202.112.0.36", "10.0.0.5", "8.8.8.8", "169.254.169.254"]);
const ipv6Ns = nsPerCall(["2001:da8:8000::1", "fe80::1", "2400:3200::1", "fd00::5"]);
const wrappedNs = nsPerCall(["::ffff:8.8.8.8", "64:ff9b::a00:5", "2002:808:808::1"]);

const server = createServer((_req, res) => {
  res.writeHead(200, { "content-type": "text/html", connection: "close" }).end("<p>ok</p>");
});
await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
const { port } = server.address() as AddressInfo;
const http = createHttpClient({
  hostDelayMs: 0,
  retries: 0,
  resolve: () => Promise.resolve([{ address: "127.0.0.1", family: 4 }]),
});

async function msPerRequest(base: string): Promise<number> {
  for (let i = 0; i < 50; i++) await http.fetch(`${base}/warm`, { allowPrivateNetwork: true });
  const started = performance.now();
  for (let i = 0; i < REQUESTS; i++) await http.fetch(`${base}/${i}`, { allowPrivateNetwork: true });
  return Number(((performance.now() - started) / REQUESTS).toFixed(3));
}

const literalMs = await msPerRequest(`http://127.0.0.1:${port}`);
const namedMs = await msPerRequest(`http://campus.example:${port}`);
server.close();

console.log(`classify IPv4 ${ipv4Ns} ns, IPv6 ${ipv6Ns} ns, wrapped IPv4 ${wrappedNs} ns per address`);
console.log(`request by IP literal ${literalMs} ms, by name through the guarded lookup ${namedMs} ms`);
console.log(JSON.stringify({ ipv4Ns, ipv6Ns, wrappedNs, literalMs, namedMs }));
