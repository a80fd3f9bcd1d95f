import { isIP } from "node:net";

/** Whether web_visit may connect to an address, and if not, why (shown to the model and user). */
export type AddressVerdict = { allowed: true } | { allowed: false; reason: string };

const allowed: AddressVerdict = { allowed: true };
const refused = (reason: string): AddressVerdict => ({ allowed: false, reason });

/** Host names that reach cloud metadata services or this machine without any DNS record. */
const refusedNames = new Set([
  "metadata.google.internal",
  "metadata",
  "metadata.goog",
  "instance-data",
  "localhost",
]);

/**
 * IPv4 ranges of the IANA special-purpose registry that are not globally reachable, plus the
 * cloud metadata address for a clearer reason: [network, prefix length, reason]. Everything
 * else in IPv4 is the public internet. The first match gives the reason, so narrower ranges
 * come before the ranges that contain them.
 */
const refusedIpv4: [string, number, string][] = [
  ["0.0.0.0", 8, "'this network' (0.0.0.0/8)"],
  ["10.0.0.0", 8, "a private address (10.0.0.0/8)"],
  ["100.64.0.0", 10, "a carrier-grade NAT address (100.64.0.0/10)"],
  ["127.0.0.0", 8, "a loopback address (127.0.0.0/8)"],
  ["169.254.169.254", 32, "the cloud metadata address (169.254.169.254)"],
  ["169.254.0.0", 16, "a link-local address (169.254.0.0/16)"],
  ["172.16.0.0", 12, "a private address (172.16.0.0/12)"],
  ["192.0.0.0", 24, "an IETF protocol address (192.0.0.0/24)"],
  ["192.0.2.0", 24, "a documentation address (192.0.2.0/24)"],
  ["192.88.99.0", 24, "a deprecated 6to4 relay anycast address (192.88.99.0/24)"],
  ["192.168.0.0", 16, "a private address (192.168.0.0/16)"],
  ["198.18.0.0", 15, "a benchmarking address (198.18.0.0/15)"],
  ["198.51.100.0", 24, "a documentation address (198.51.100.0/24)"],
  ["203.0.113.0", 24, "a documentation address (203.0.113.0/24)"],
  ["224.0.0.0", 4, "a multicast address (224.0.0.0/4)"],
  ["255.255.255.255", 32, "the limited broadcast address (255.255.255.255)"],
  ["240.0.0.0", 4, "a reserved address (240.0.0.0/4)"],
];

function ipv4ToNumber(address: string): number {
  return address.split(".").reduce((value, octet) => value * 256 + Number(octet), 0);
}

function classifyIpv4(address: string): AddressVerdict {
  const value = ipv4ToNumber(address);
  for (const [network, prefix, reason] of refusedIpv4) {
    const size = 2 ** (32 - prefix);
    const start = ipv4ToNumber(network);
    if (value >= start && value < start + size) return refused(reason);
  }
  return allowed;
}

/** The eight 16-bit groups of an IPv6 address (zone ids and a dotted IPv4 tail handled). */
export function parseIpv6(address: string): number[] {
  let text = address
    .replace(/^\[|\]$/g, "")
    .split("%")[0]!
    .toLowerCase();
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const value = ipv4ToNumber(dotted[1]!);
    text = `${text.slice(0, dotted.index)}${(value >>> 16).toString(16)}:${(value & 0xffff).toString(16)}`;
  }
  const [head, tail] = text.split("::") as [string, string | undefined];
  const headGroups = head ? head.split(":") : [];
  const tailGroups = tail ? tail.split(":") : [];
  const missing = tail === undefined ? 0 : 8 - headGroups.length - tailGroups.length;
  return [...headGroups, ...Array<string>(missing).fill("0"), ...tailGroups].map((group) =>
    Number.parseInt(group, 16),
  );
}

function embeddedIpv4(high: number, low: number): string {
  return [high >> 8, high & 0xff, low >> 8, low & 0xff].join(".");
}

/**
 * An allowlist: only global unicast (2000::/3) is the public IPv6 internet, less its special
 * ranges; the two translation prefixes that reach IPv4 (NAT64's 64:ff9b::/96 and 6to4's
 * 2002::/16) are judged by the IPv4 address they carry. Everything outside 2000::/3 is refused
 * (loopback, IPv4-mapped and -translated, unique-local, link-local, multicast, local-use NAT64,
 * reserved space); the named cases only give a clearer reason.
 */
function classifyIpv6(address: string): AddressVerdict {
  const groups = parseIpv6(address);
  const [first = 0, second = 0] = groups;
  const zeroFrom = (start: number, end: number) => groups.slice(start, end).every((group) => group === 0);
  const embeddedTail = () => embeddedIpv4(groups[6]!, groups[7]!);

  if (first === 0x64 && second === 0xff9b && zeroFrom(2, 6)) {
    // NAT64's well-known prefix reaches the embedded IPv4 address: judge that one.
    return classifyIpv4(embeddedTail());
  }
  if ((first & 0xe000) !== 0x2000) return refusedOutsideGlobalUnicast(groups);

  if (first === 0x2001 && second < 0x0200) {
    return refused("an IETF protocol address (2001::/23, which includes Teredo 2001::/32)");
  }
  if (first === 0x2001 && second === 0x0db8) return refused("a documentation address (2001:db8::/32)");
  if (first === 0x3fff && second < 0x1000) return refused("a documentation address (3fff::/20)");
  // 6to4 reaches the IPv4 address in the second and third groups.
  if (first === 0x2002) return classifyIpv4(embeddedIpv4(groups[1]!, groups[2]!));
  return allowed;
}

/** The refusal for an address outside 2000::/3, naming its range where it has a well-known one. */
function refusedOutsideGlobalUnicast(groups: number[]): AddressVerdict {
  const [first = 0, second = 0, third = 0] = groups;
  const zeroFrom = (start: number, end: number) => groups.slice(start, end).every((group) => group === 0);
  if (zeroFrom(0, 8)) return refused("the unspecified address (::)");
  if (zeroFrom(0, 7) && groups[7] === 1) return refused("the loopback address (::1)");
  if (zeroFrom(0, 5) && groups[5] === 0xffff) {
    return refused(`an IPv4-mapped address (::ffff:${embeddedIpv4(groups[6]!, groups[7]!)})`);
  }
  if (zeroFrom(0, 4) && groups[4] === 0xffff && groups[5] === 0) {
    return refused("an IPv4-translated address (::ffff:0:0:0/96)");
  }
  if (zeroFrom(0, 6)) return refused("an IPv4-compatible address (::/96)");
  if (first === 0x64 && second === 0xff9b && third === 1) {
    return refused("a local-use NAT64 address (64:ff9b:1::/48)");
  }
  if (groups.join(":") === [0xfd00, 0xec2, 0, 0, 0, 0, 0, 0x254].join(":")) {
    return refused("the cloud metadata address (fd00:ec2::254)");
  }
  if ((first & 0xfe00) === 0xfc00) return refused("a unique-local address (fc00::/7)");
  if ((first & 0xffc0) === 0xfe80) return refused("a link-local address (fe80::/10)");
  if ((first & 0xffc0) === 0xfec0) return refused("a site-local address (fec0::/10)");
  if ((first & 0xff00) === 0xff00) return refused("a multicast address (ff00::/8)");
  return refused("not a global unicast address (outside 2000::/3)");
}

/**
 * Judges an IP address (v4 or v6, bracketed or not) or a host as a URL would name it. Numeric
 * spellings that URLs accept for IPv4 (2130706433, 0x7f000001, 0177.0.0.1, 127.1) are read the
 * way a browser reads them. A host name that is not an address is allowed here: its addresses
 * are judged after DNS resolution, at connection time.
 */
export function classifyAddress(hostOrAddress: string): AddressVerdict {
  const bare = hostOrAddress
    .trim()
    .replace(/^\[|\]$/g, "")
    .replace(/\.$/, "");
  const family = isIP(bare.split("%")[0]!);
  if (family === 4) return classifyIpv4(bare);
  if (family === 6) return classifyIpv6(bare);
  const normalized = normalizeHost(bare);
  if (normalized === undefined) return refused(`"${hostOrAddress}" is not a valid host`);
  if (normalized !== bare.toLowerCase() && isIP(normalized.replace(/^\[|\]$/g, "")))
    return classifyAddress(normalized);
  if (refusedNames.has(normalized) || normalized.endsWith(".localhost")) {
    return refused(`"${normalized}" names this machine or a cloud metadata service`);
  }
  return allowed;
}

/** The host as the WHATWG URL parser normalizes it, or undefined when it is not a valid host. */
function normalizeHost(host: string): string | undefined {
  try {
    return new URL(
      `http://${host.includes(":") && !host.startsWith("[") ? `[${host}]` : host}/`,
    ).hostname.replace(/\.$/, "");
  } catch {
    return undefined;
  }
}
