import { describe, expect, it } from "vitest";
import { ipLiteralOf, nonPublicRange } from "../../src/ingest/address-policy.ts";

describe("address classifier", () => {
  it.each([
    ["0.0.0.0", "unspecified"],
    ["0.1.2.3", "unspecified"],
    ["10.0.0.5", "private"],
    ["100.64.0.1", "carrier-grade NAT"],
    ["100.127.255.254", "carrier-grade NAT"],
    ["127.0.0.1", "loopback"],
    ["127.255.255.254", "loopback"],
    ["169.254.169.254", "link-local"],
    ["172.16.0.1", "private"],
    ["172.31.255.255", "private"],
    ["192.0.0.8", "reserved"],
    ["192.0.2.10", "documentation"],
    ["192.88.99.1", "reserved"],
    ["192.168.1.1", "private"],
    ["198.18.0.1", "reserved"],
    ["198.51.100.7", "documentation"],
    ["203.0.113.9", "documentation"],
    ["224.0.0.251", "multicast"],
    ["239.255.255.250", "multicast"],
    ["240.0.0.1", "reserved"],
    ["255.255.255.255", "broadcast"],
  ])("IPv4 %s is %s", (address, range) => {
    expect(nonPublicRange(address)).toBe(range);
  });

  it.each([
    ["::", "unspecified"],
    ["::1", "loopback"],
    ["0:0:0:0:0:0:0:1", "loopback"],
    ["fc00::1", "private"],
    ["fd12:3456:789a::1", "private"],
    ["fe80::1", "link-local"],
    ["fe80::1%eth0", "link-local"],
    ["febf::1", "link-local"],
    ["fec0::1", "private"],
    ["ff02::1", "multicast"],
    ["2001:db8::1", "documentation"],
    ["3fff::1", "documentation"],
    ["100::1", "reserved"],
    ["2001::1", "reserved"],
    ["2001:2::1", "reserved"],
    ["64:ff9b:1::a00:5", "reserved"],
  ])("IPv6 %s is %s", (address, range) => {
    expect(nonPublicRange(address)).toBe(range);
  });

  it.each([
    ["::ffff:127.0.0.1", "loopback"],
    ["::ffff:7f00:1", "loopback"],
    ["::ffff:a9fe:a9fe", "link-local"],
    ["::ffff:0:10.0.0.5", "private"],
    ["::127.0.0.1", "loopback"],
    ["::a00:5", "private"],
    ["64:ff9b::127.0.0.1", "loopback"],
    ["64:ff9b::c0a8:101", "private"],
    ["2002:7f00:1::", "loopback"],
    ["2002:a9fe:a9fe::1", "link-local"],
    ["2002:0a00:0005:1::1", "private"],
  ])("an IPv4 address wrapped in IPv6, %s, is %s", (address, range) => {
    expect(nonPublicRange(address)).toBe(range);
  });

  it.each([
    "1.1.1.1",
    "8.8.8.8",
    "202.112.0.36",
    "100.63.255.255",
    "100.128.0.0",
    "172.15.255.255",
    "172.32.0.0",
    "169.253.255.255",
    "2001:da8:8000::1",
    "2400:3200::1",
    "2606:4700::1111",
    "::ffff:8.8.8.8",
    "64:ff9b::808:808",
    "2002:808:808::1",
  ])("%s is public", (address) => {
    expect(nonPublicRange(address)).toBeUndefined();
  });

  it("counts what it cannot read as reserved", () => {
    expect(nonPublicRange("not-an-address")).toBe("reserved");
    expect(nonPublicRange("")).toBe("reserved");
  });

  it.each([
    ["http://2130706433/", "127.0.0.1"],
    ["http://0x7f.1/", "127.0.0.1"],
    ["http://0177.0.0.1/", "127.0.0.1"],
    ["http://127.1/", "127.0.0.1"],
    ["http://127.0.0.1./", "127.0.0.1"],
    ["http://0xa9.0xfe.0xa9.0xfe/", "169.254.169.254"],
    ["http://012.0.0.5/", "10.0.0.5"],
    ["http://[::ffff:127.0.0.1]/", "::ffff:7f00:1"],
    ["http://[0:0:0:0:0:0:0:1]:8080/", "::1"],
  ])("reads the IP literal of %s after URL normalisation as %s", (url, address) => {
    const literal = ipLiteralOf(new URL(url));
    expect(literal).toBe(address);
    expect(nonPublicRange(literal ?? "")).toBeDefined();
  });

  it("gives no IP literal for a name", () => {
    expect(ipLiteralOf(new URL("https://news.example.edu.cn/"))).toBeUndefined();
    expect(ipLiteralOf(new URL("http://localhost/"))).toBeUndefined();
  });
});
