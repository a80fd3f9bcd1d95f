import { describe, expect, it } from "vitest";
import { classifyAddress, parseIpv6 } from "./address-policy.js";

// Every case is a direct call on the classifier: nothing here connects anywhere.
describe("classifyAddress", () => {
  const refused: [string, RegExp][] = [
    ["127.0.0.1", /loopback/],
    ["127.255.255.254", /loopback/],
    ["2130706433", /loopback/],
    ["0x7f000001", /loopback/],
    ["0177.0.0.1", /loopback/],
    ["127.1", /loopback/],
    ["0.0.0.0", /this network/],
    ["0.1.2.3", /this network/],
    ["10.0.0.1", /private/],
    ["172.16.0.1", /private/],
    ["172.31.255.255", /private/],
    ["192.168.1.1", /private/],
    ["100.64.0.1", /carrier-grade/],
    ["100.127.255.255", /carrier-grade/],
    ["169.254.169.254", /metadata/],
    ["169.254.1.1", /link-local/],
    ["224.0.0.1", /multicast/],
    ["239.255.255.250", /multicast/],
    ["255.255.255.255", /broadcast/],
    ["240.0.0.1", /reserved/],
    ["198.18.0.1", /benchmarking/],
    ["198.19.255.255", /benchmarking/],
    ["192.0.0.8", /IETF protocol/],
    ["192.0.2.1", /documentation/],
    ["198.51.100.7", /documentation/],
    ["203.0.113.200", /documentation/],
    ["192.88.99.1", /6to4 relay/],
    ["::1", /loopback/],
    ["[::1]", /loopback/],
    ["::", /unspecified/],
    ["::ffff:127.0.0.1", /IPv4-mapped/],
    ["[::ffff:127.0.0.1]", /IPv4-mapped/],
    ["::ffff:7f00:1", /IPv4-mapped/],
    ["::ffff:8.8.8.8", /IPv4-mapped/],
    ["fc00::1", /unique-local/],
    ["fd12:3456::1", /unique-local/],
    ["fd00:ec2::254", /metadata/],
    ["fe80::1", /link-local/],
    ["fe80::1%eth0", /link-local/],
    ["ff02::1", /multicast/],
    ["2001:db8::1", /documentation/],
    ["3fff::1", /documentation/],
    ["64:ff9b::a00:1", /private/],
    ["64:ff9b::127.0.0.1", /loopback/],
    ["64:ff9b::169.254.169.254", /metadata/],
    ["64:ff9b:1::a00:1", /local-use NAT64/],
    ["64:ff9b:1:ffff::808:808", /local-use NAT64/],
    ["2002:7f00:1::", /loopback/],
    ["2002:a9fe:a9fe::1", /metadata/],
    ["2002:c0a8:101::1", /private/],
    ["2001::1", /Teredo/],
    ["2001:0:4136:e378:8000:63bf:3fff:fdd2", /Teredo/],
    ["2001:2::1", /IETF protocol/],
    ["2001:1ff::1", /IETF protocol/],
    ["::ffff:0:7f00:1", /IPv4-translated/],
    ["::ffff:0:8.8.8.8", /IPv4-translated/],
    ["::127.0.0.1", /IPv4-compatible/],
    ["fec0::1", /site-local/],
    ["100::1", /not a global unicast/],
    ["5f00::1", /not a global unicast/],
    ["4000::1", /not a global unicast/],
    ["e000::1", /not a global unicast/],
    ["64:ff9b:2::1", /not a global unicast/],
    ["localhost", /this machine/],
    ["api.localhost", /this machine/],
    ["metadata.google.internal", /metadata/],
    ["METADATA.GOOGLE.INTERNAL.", /metadata/],
  ];
  it.each(refused)("refuses %s", (address, reason) => {
    const verdict = classifyAddress(address);
    expect(verdict.allowed).toBe(false);
    if (!verdict.allowed) expect(verdict.reason).toMatch(reason);
  });

  const allowed = [
    "8.8.8.8",
    "1.1.1.1",
    "172.32.0.1",
    "100.128.0.1",
    "169.253.255.255",
    "93.184.216.34",
    "2606:4700:4700::1111",
    "[2a00:1450:4001:82b::200e]",
    "64:ff9b::808:808",
    "2002:808:808::1",
    "64:ff9b::8.8.8.8",
    "2001:200::1",
    "2001:4860:4860::8888",
    "2400:cb00::1",
    "3ffe::1",
    "3fff:1000::1",
    "192.88.98.255",
    "192.88.100.1",
    "198.20.0.1",
    "223.255.255.255",
    "example.com",
    "news.example.org",
  ];
  it.each(allowed)("allows %s", (address) => {
    expect(classifyAddress(address)).toEqual({ allowed: true });
  });

  it("parses compressed IPv6 with an IPv4 tail into eight groups", () => {
    expect(parseIpv6("::ffff:192.168.0.1")).toEqual([0, 0, 0, 0, 0, 0xffff, 0xc0a8, 1]);
    expect(parseIpv6("fe80::1")).toEqual([0xfe80, 0, 0, 0, 0, 0, 0, 1]);
    expect(parseIpv6("1:2:3:4:5:6:7:8")).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });
});
