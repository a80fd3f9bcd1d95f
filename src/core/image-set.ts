import { LoupeError } from "./errors.js";
import { type ImageFacts, type ImageProvenance, type ImageRef, imageLabel, sha256Hex } from "./images.js";

/**
 * The images of one run, in order of appearance, with their bytes. Adding the same bytes twice
 * returns the first reference: images are content-addressed.
 */
export class ImageSet {
  readonly #refs: ImageRef[] = [];
  readonly #byId = new Map<string, ImageRef>();
  readonly #bytes = new Map<string, Uint8Array>();

  add(bytes: Uint8Array, facts: ImageFacts, provenance: ImageProvenance): ImageRef {
    const id = sha256Hex(bytes);
    const existing = this.#byId.get(id);
    if (existing) return existing;
    const ref: ImageRef = {
      id,
      label: imageLabel(this.#refs.length + 1),
      mime: facts.mime,
      width: facts.width,
      height: facts.height,
      byteLength: bytes.byteLength,
      provenance,
      ...(facts.nearlyWhite ? { nearlyWhite: true } : {}),
    };
    this.#refs.push(ref);
    this.#byId.set(id, ref);
    this.#bytes.set(id, bytes);
    return ref;
  }

  /** Restores a recorded image (replay, resume) with its recorded label. */
  restore(ref: ImageRef, bytes: Uint8Array | undefined): void {
    if (this.#byId.has(ref.id)) return;
    this.#refs.push(ref);
    this.#byId.set(ref.id, ref);
    if (bytes) this.#bytes.set(ref.id, bytes);
  }

  list(): readonly ImageRef[] {
    return this.#refs;
  }

  get size(): number {
    return this.#refs.length;
  }

  byId(id: string): ImageRef | undefined {
    return this.#byId.get(id);
  }

  bytes(id: string): Uint8Array {
    const bytes = this.#bytes.get(id);
    if (!bytes)
      throw new LoupeError("image-not-found", `The bytes of image ${id.slice(0, 12)} are not loaded.`);
    return bytes;
  }

  /**
   * Finds an image by the many ways models name one: "image_2", "image 2", "2", "<image_2>",
   * "<sub-image 2>", a file name such as "image_2.png", a path ending in it, or an id prefix
   * of 8+ hex characters. Unknown names throw an error that lists the names that exist.
   */
  resolve(reference: string | number | undefined): ImageRef {
    if (reference === undefined || reference === "") {
      const first = this.#refs[0];
      if (!first) throw new LoupeError("image-not-found", "This run has no images.");
      return first;
    }
    const text = String(reference).trim().replace(/^<|>$/g, "").trim();
    const base = text.split(/[\\/]/).pop() ?? text;
    const numberMatch = /^(?:sub[-_ ]?)?(?:image|img)?[-_ ]?#?(\d+)(?:\.[a-z0-9]+)?$/i.exec(base);
    if (numberMatch) {
      const ref = this.#refs[Number(numberMatch[1]) - 1];
      if (ref) return ref;
    }
    const byLabel = this.#refs.find((ref) => ref.label === base);
    if (byLabel) return byLabel;
    if (/^[0-9a-f]{8,64}$/i.test(base)) {
      const byPrefix = this.#refs.find((ref) => ref.id.startsWith(base.toLowerCase()));
      if (byPrefix) return byPrefix;
    }
    const known = this.#refs.map((ref) => ref.label).join(", ") || "none";
    throw new LoupeError("image-not-found", `No image named "${text}" in this run. Known images: ${known}.`);
  }
}
