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
    ["198.18.0.1", /benchmarking/],
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
    ["64:ff9b::a00:1", /private/],
    ["2002:7f00:1::", /loopback/],
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
