import { seededRandom } from "../../core/seeded-random.js";
import { DESCRIPTOR_SIZE } from "./local-features.js";

/**
 * The inverted index over local features: locality-sensitive hashing by bit sampling (the scheme
 * OpenCV's FLANN LSH index uses for binary descriptors). Each of `tables` tables reads `keyBits`
 * fixed, pseudo-randomly chosen bits of a 256-bit ORB descriptor as its bucket key; two
 * descriptors of the same scene point, typically 20-40 bits apart, share a key in a table with
 * probability (1 - d/256)^keyBits, about 0.1-0.25 at 14 bits, so over a few tables and hundreds
 * of keypoints a true match collects tens of votes, while an unrelated image collects a few by
 * chance. No training: any descriptor can be added or removed at any time, so the index grows and
 * shrinks without a rebuild (decision 1403 has the figures against a trained vocabulary).
 *
 * Memory: one 32-bit image id per indexed keypoint per table, in growable per-bucket arrays.
 * The descriptors themselves stay in SQLite (read back for the few candidates verified).
 */
export const LSH_TABLES = 3;
export const LSH_KEY_BITS = 14;
/** Fewest distinct query keypoints that must hit an image for it to be a candidate. */
const MIN_VOTES = 2;

export interface FeatureCandidate {
  imageId: number;
  /** Distinct query keypoints that share a bucket with one of the image's keypoints. */
  votes: number;
}

/** Deterministic bit positions (mulberry32 seeded per table), so every index samples the same bits. */
function sampledBits(table: number, keyBits: number): Int32Array {
  const next = seededRandom(Math.imul(0x9e3779b9, table + 1));
  const chosen = new Set<number>();
  while (chosen.size < keyBits) chosen.add(Math.floor(next() * DESCRIPTOR_SIZE * 8));
  return Int32Array.from(chosen);
}

export class FeatureIndex {
  private readonly bits: Int32Array[];
  private readonly buckets: (Int32Array | undefined)[][];
  private readonly sizes: Uint32Array[];
  /** Indexed images and how many keypoints each has. */
  private readonly live = new Map<number, number>();
  /** Removed images whose postings are still in the buckets. */
  private readonly dead = new Set<number>();
  private postings = 0;
  private deadPostings = 0;
  private votes = new Uint16Array(1024);
  private lastVoter = new Int32Array(1024);

  constructor(
    readonly tables = LSH_TABLES,
    readonly keyBits = LSH_KEY_BITS,
  ) {
    this.bits = Array.from({ length: tables }, (_, table) => sampledBits(table, keyBits));
    this.buckets = Array.from({ length: tables }, () => new Array<Int32Array | undefined>(1 << keyBits));
    this.sizes = Array.from({ length: tables }, () => new Uint32Array(1 << keyBits));
  }

  get size(): number {
    return this.live.size;
  }

  /** Bytes held: posting arrays (with their growth slack), bucket tables and vote counters. */
  get bytes(): number {
    let bytes = this.tables * (1 << this.keyBits) * (4 + 8);
    for (const table of this.buckets) for (const bucket of table) if (bucket) bytes += bucket.byteLength + 48;
    return bytes + this.votes.byteLength + this.lastVoter.byteLength + this.live.size * 16;
  }

  add(imageId: number, descriptors: Uint8Array, count: number): void {
    if (this.live.has(imageId)) this.remove(imageId);
    // SQLite may hand a removed image's id to the next one: its old postings must go first.
    if (this.dead.has(imageId)) this.sweep();
    this.live.set(imageId, count);
    this.ensureVoters(imageId);
    for (let table = 0; table < this.tables; table++) {
      const buckets = this.buckets[table]!;
      const sizes = this.sizes[table]!;
      for (let feature = 0; feature < count; feature++) {
        const key = this.key(table, descriptors, feature);
        let bucket = buckets[key];
        const size = sizes[key]!;
        if (!bucket || bucket.length === size) {
          const grown = new Int32Array(Math.max(4, size * 2));
          if (bucket) grown.set(bucket);
          bucket = grown;
          buckets[key] = bucket;
        }
        bucket[size] = imageId;
        sizes[key] = size + 1;
      }
    }
    this.postings += count * this.tables;
  }

  /** Forgets an image at once (queries skip it); its postings are swept when a quarter are dead. */
  remove(imageId: number): void {
    const count = this.live.get(imageId);
    if (count === undefined) return;
    this.live.delete(imageId);
    this.dead.add(imageId);
    this.deadPostings += count * this.tables;
    if (this.deadPostings * 4 > this.postings) this.sweep();
  }

  /** The images most query keypoints hash together with, most votes first. */
  candidates(descriptors: Uint8Array, count: number, limit: number): FeatureCandidate[] {
    const { votes, lastVoter, live } = this;
    const touched: number[] = [];
    for (let feature = 0; feature < count; feature++) {
      for (let table = 0; table < this.tables; table++) {
        const key = this.key(table, descriptors, feature);
        const bucket = this.buckets[table]![key];
        if (!bucket) continue;
        const size = this.sizes[table]![key]!;
        for (let position = 0; position < size; position++) {
          const imageId = bucket[position]!;
          // One vote per query keypoint per image, however many tables or keypoints it hits.
          if (lastVoter[imageId] === feature + 1) continue;
          lastVoter[imageId] = feature + 1;
          if (votes[imageId] === 0) touched.push(imageId);
          if (votes[imageId]! < 65535) votes[imageId]!++;
        }
      }
    }
    const found: FeatureCandidate[] = [];
    for (const imageId of touched) {
      const imageVotes = votes[imageId]!;
      votes[imageId] = 0;
      lastVoter[imageId] = 0;
      if (imageVotes >= MIN_VOTES && live.has(imageId)) found.push({ imageId, votes: imageVotes });
    }
    found.sort((a, b) => b.votes - a.votes);
    return found.slice(0, limit);
  }

  private key(table: number, descriptors: Uint8Array, feature: number): number {
    const bits = this.bits[table]!;
    const base = feature * DESCRIPTOR_SIZE;
    let key = 0;
    for (let index = 0; index < bits.length; index++) {
      const bit = bits[index]!;
      key |= ((descriptors[base + (bit >> 3)]! >> (bit & 7)) & 1) << index;
    }
    return key;
  }

  private ensureVoters(imageId: number): void {
    if (imageId < this.votes.length) return;
    let length = this.votes.length;
    while (length <= imageId) length *= 2;
    const votes = new Uint16Array(length);
    votes.set(this.votes);
    const lastVoter = new Int32Array(length);
    lastVoter.set(this.lastVoter);
    this.votes = votes;
    this.lastVoter = lastVoter;
  }

  /** Drops the postings of removed images, in place. */
  private sweep(): void {
    for (let table = 0; table < this.tables; table++) {
      const buckets = this.buckets[table]!;
      const sizes = this.sizes[table]!;
      for (let key = 0; key < buckets.length; key++) {
        const bucket = buckets[key];
        if (!bucket) continue;
        let kept = 0;
        for (let position = 0; position < sizes[key]!; position++)
          if (!this.dead.has(bucket[position]!)) bucket[kept++] = bucket[position]!;
        sizes[key] = kept;
      }
    }
    this.postings -= this.deadPostings;
    this.deadPostings = 0;
    this.dead.clear();
  }
}
