import { promises as dns, type LookupAddress } from "node:dns";
import type { LookupFunction } from "node:net";
import { LoupeError } from "../../core/errors.js";
import { classifyAddress } from "./address-policy.js";

/** Resolves a host name to its addresses; the system resolver unless a caller supplies another. */
export type HostResolver = (hostname: string) => Promise<LookupAddress[]>;

export const systemResolver: HostResolver = (hostname) => dns.lookup(hostname, { all: true, verbatim: true });

export function refusedAddressError(url: string, host: string, reason: string): LoupeError {
  return new LoupeError("tool-failed", `web_visit refused ${url}: ${host} is ${reason}.`, {
    hint: "Pages on private, loopback, link-local and metadata addresses are refused; set search.webVisit.allowPrivateAddresses only on a trusted machine.",
  });
}

/**
 * A `lookup` for http.request that judges every address a name resolves to and hands the socket
 * only addresses it judged. The check and the connection use the same answer, so a DNS server
 * cannot answer "public" to the check and "private" to the connection (DNS rebinding).
 */
export function guardedLookup(url: string, resolve: HostResolver, check: boolean): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname)
      .then((found) => {
        const family = options.family === 4 || options.family === 6 ? options.family : undefined;
        const addresses = family ? found.filter((entry) => entry.family === family) : found;
        if (addresses.length === 0)
          throw new LoupeError("tool-failed", `web_visit could not resolve ${hostname}.`);
        if (check) {
          // Every address must pass: with several, the socket may try any of them.
          for (const entry of addresses) {
            const verdict = classifyAddress(entry.address);
            if (!verdict.allowed)
              throw refusedAddressError(url, `${hostname} (${entry.address})`, verdict.reason);
          }
        }
        if (options.all) callback(null, addresses);
        else callback(null, addresses[0]!.address, addresses[0]!.family);
      })
      .catch((error: unknown) => callback(error as NodeJS.ErrnoException, "", 0));
  };
}
