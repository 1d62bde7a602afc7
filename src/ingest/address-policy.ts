import { isIPv4, isIPv6 } from "node:net";

/** Why an address is not on the public internet; a fetched page must never reach one of these. */
export type NonPublicRange =
  | "unspecified"
  | "loopback"
  | "private"
  | "link-local"
  | "carrier-grade NAT"
  | "multicast"
  | "broadcast"
  | "documentation"
  | "reserved";

export const RANGE_NAMES_ZH: Record<NonPublicRange, string> = {
  unspecified: "未指定地址",
  loopback: "本机回环地址",
  private: "内网私有地址",
  "link-local": "链路本地地址（含云主机元数据服务）",
  "carrier-grade NAT": "运营商级 NAT 地址",
  multicast: "组播地址",
  broadcast: "广播地址",
  documentation: "文档保留地址",
  reserved: "保留地址",
};

type Ranges = ReadonlyArray<readonly [range: NonPublicRange, subnet: string, prefix: number]>;

// Order matters where ranges nest: the first match names the range.
const IPV4_RANGES: Ranges = [
  ["broadcast", "255.255.255.255", 32],
  ["unspecified", "0.0.0.0", 8],
  ["private", "10.0.0.0", 8],
  ["carrier-grade NAT", "100.64.0.0", 10],
  ["loopback", "127.0.0.0", 8],
  ["link-local", "169.254.0.0", 16],
  ["private", "172.16.0.0", 12],
  ["reserved", "192.0.0.0", 24],
  ["documentation", "192.0.2.0", 24],
  ["reserved", "192.88.99.0", 24],
  ["private", "192.168.0.0", 16],
  ["reserved", "198.18.0.0", 15],
  ["documentation", "198.51.100.0", 24],
  ["documentation", "203.0.113.0", 24],
  ["multicast", "224.0.0.0", 4],
  ["reserved", "240.0.0.0", 4],
];

/** IPv6 ranges that carry no IPv4 address; those that do are unwrapped first (see embeddedIPv4). */
const IPV6_RANGES: Ranges = [
  ["unspecified", "::", 128],
  ["loopback", "::1", 128],
  ["reserved", "64:ff9b:1::", 48],
  ["reserved", "100::", 64],
  ["documentation", "2001:db8::", 32],
  // IETF protocol assignments: Teredo, benchmarking, ORCHID.
  ["reserved", "2001::", 23],
  ["documentation", "3fff::", 20],
  ["private", "fc00::", 7],
  ["link-local", "fe80::", 10],
  ["private", "fec0::", 10],
  ["multicast", "ff00::", 8],
];

/** The eight 16-bit groups of an IPv6 address (zone id dropped, embedded dotted quad read). */
function ipv6Groups(address: string): number[] {
  const bare = address.replace(/%.*$/, "");
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(bare);
  const hex = dotted
    ? bare.slice(0, dotted.index) +
      [(Number(dotted[1]) << 8) | Number(dotted[2]), (Number(dotted[3]) << 8) | Number(dotted[4])]
        .map((n) => n.toString(16))
        .join(":")
    : bare;
  const [head = "", tail] = hex.split("::");
  const parts = (text: string) => (text ? text.split(":").map((g) => parseInt(g, 16)) : []);
  const front = parts(head);
  const back = tail === undefined ? [] : parts(tail);
  return [...front, ...new Array<number>(8 - front.length - back.length).fill(0), ...back];
}

function ipv4Number(address: string): number {
  return address.split(".").reduce((n, octet) => n * 256 + Number(octet), 0);
}

/** Prefix matching on numbers: node's BlockList costs ~10 µs a check, this well under 1 µs. */
function ipv4Matcher(ranges: Ranges) {
  const compiled = ranges.map(([range, subnet, prefix]) => {
    const shift = 32 - prefix;
    return { range, shift, network: Math.floor(ipv4Number(subnet) / 2 ** shift) };
  });
  return (address: string) => {
    const n = ipv4Number(address);
    return compiled.find((r) => Math.floor(n / 2 ** r.shift) === r.network)?.range;
  };
}

function ipv6Matcher(ranges: Ranges) {
  const compiled = ranges.map(([range, subnet, prefix]) => ({ range, prefix, groups: ipv6Groups(subnet) }));
  const matches = (groups: number[], subnet: number[], prefix: number) => {
    for (let i = 0, bits = prefix; bits > 0; i++, bits -= 16) {
      const shift = Math.max(0, 16 - bits);
      if ((groups[i] ?? 0) >> shift !== (subnet[i] ?? 0) >> shift) return false;
    }
    return true;
  };
  return (groups: number[]) => compiled.find((r) => matches(groups, r.groups, r.prefix))?.range;
}

function ipv4FromGroups(high: number, low: number): string {
  return [high >> 8, high & 0xff, low >> 8, low & 0xff].join(".");
}

/**
 * The IPv4 address an IPv6 address stands for, where the network would deliver it to one:
 * IPv4-mapped, IPv4-translated, IPv4-compatible, NAT64 and 6to4 forms.
 */
function embeddedIPv4(g: number[]): string | undefined {
  const at = (i: number) => g[i] ?? 0;
  const zeros = (from: number, to: number) => g.slice(from, to).every((n) => n === 0);
  if (at(0) === 0x2002) return ipv4FromGroups(at(1), at(2));
  if (at(0) === 0x64 && at(1) === 0xff9b && zeros(2, 6)) return ipv4FromGroups(at(6), at(7));
  if (zeros(0, 5) && at(5) === 0xffff) return ipv4FromGroups(at(6), at(7));
  if (zeros(0, 4) && at(4) === 0xffff && at(5) === 0) return ipv4FromGroups(at(6), at(7));
  // ::/96 minus :: and ::1, which are their own ranges.
  if (zeros(0, 6) && (at(6) !== 0 || at(7) > 1)) return ipv4FromGroups(at(6), at(7));
  return undefined;
}

const ipv4Range = ipv4Matcher(IPV4_RANGES);
const ipv6Range = ipv6Matcher(IPV6_RANGES);

/**
 * The special range an IP address belongs to, or undefined for a public unicast address.
 * Anything that is not a valid IP address counts as reserved: a check that cannot read an
 * address must not let it through.
 */
export function nonPublicRange(address: string): NonPublicRange | undefined {
  if (isIPv4(address)) return ipv4Range(address);
  if (!isIPv6(address.replace(/%.*$/, ""))) return "reserved";
  const groups = ipv6Groups(address);
  const ipv4 = embeddedIPv4(groups);
  return ipv4 !== undefined ? ipv4Range(ipv4) : ipv6Range(groups);
}

/** The IP address a URL's host spells, after WHATWG normalisation (`2130706433` → 127.0.0.1). */
export function ipLiteralOf(url: URL): string | undefined {
  const host = url.hostname.replace(/^\[(.*)\]$/, "$1");
  return isIPv4(host) || isIPv6(host) ? host : undefined;
}
