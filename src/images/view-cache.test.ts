import { describe, expect, it } from "vitest";
import { type SentBytes, ViewCache } from "./view-cache.js";

const view = (size: number): SentBytes => ({ bytes: new Uint8Array(size), mime: "image/jpeg" });

describe("ViewCache", () => {
  it("drops the least recently used views past its byte budget", async () => {
    const cache = new ViewCache(250);
    let encodes = 0;
    const encode = (size: number) => async () => {
      encodes++;
      return view(size);
    };
    await cache.get("a", encode(100));
    await cache.get("b", encode(100));
    await cache.get("a", encode(100));
    await cache.get("c", encode(100));
    expect(encodes).toBe(3);
    expect(cache.totalBytes).toBe(200);
    await cache.get("a", encode(100));
    expect(encodes).toBe(3);
    await cache.get("b", encode(100));
    expect(encodes).toBe(4);
  });

  it("keeps no view larger than its budget, and forgets failed encodes", async () => {
    const cache = new ViewCache(50);
    await cache.get("big", async () => view(100));
    expect(cache.totalBytes).toBe(0);
    await expect(cache.get("bad", () => Promise.reject(new Error("corrupt")))).rejects.toThrow("corrupt");
    expect((await cache.get("bad", async () => view(10))).bytes.byteLength).toBe(10);
  });

  it("runs at most its concurrency of encodes at once", async () => {
    const cache = new ViewCache(1_000_000, 2);
    let running = 0;
    let most = 0;
    const encode = async () => {
      running++;
      most = Math.max(most, running);
      await new Promise((resolve) => setTimeout(resolve, 5));
      running--;
      return view(1);
    };
    await Promise.all(Array.from({ length: 8 }, (_, index) => cache.get(`image-${index}`, encode)));
    expect(most).toBe(2);
  });
});
