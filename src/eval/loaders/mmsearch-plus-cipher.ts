import { createHash } from "node:crypto";

/**
 * MMSearch-Plus keeps its text fields out of crawlers' reach: each is the UTF-8 text XORed with
 * the SHA-256 digest of a canary string ("MMSearch-Plus"), the digest repeated to the text's
 * length, then base64. Decryption is the same XOR after base64 decoding.
 */
export const mmsearchPlusCanary = "MMSearch-Plus";

function keyStream(canary: string, length: number): Uint8Array {
  const digest = createHash("sha256").update(canary, "utf8").digest();
  const key = new Uint8Array(length);
  for (let index = 0; index < length; index += 1) key[index] = digest[index % digest.length]!;
  return key;
}

function xor(bytes: Uint8Array, canary: string): Uint8Array {
  const key = keyStream(canary, bytes.length);
  return bytes.map((byte, index) => byte ^ key[index]!);
}

/** The plain text, or undefined when `cipherText` is not base64 or does not decrypt to UTF-8. */
export function decryptText(cipherText: string, canary: string = mmsearchPlusCanary): string | undefined {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(cipherText) || cipherText.length % 4 !== 0) return undefined;
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(xor(Buffer.from(cipherText, "base64"), canary));
  } catch {
    return undefined;
  }
}

/** What the release did to each field (tests use it to write encrypted files). */
export function encryptText(plainText: string, canary: string = mmsearchPlusCanary): string {
  return Buffer.from(xor(new TextEncoder().encode(plainText), canary)).toString("base64");
}
