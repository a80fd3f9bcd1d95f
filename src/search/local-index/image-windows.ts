/**
 * The windows of the canonical square that get their own perceptual hash. A query is hashed whole
 * and compared with every window, so a crop of an indexed image matches the window that covers
 * about the same region. Random crops of 70-90 % at any offset need a dense grid: with offsets
 * every 5-7.5 % of the side the nearest window is at most a few percent off, which keeps the crop's
 * hash within about 6-12 bits of it (the sparser 44-window grid left some crops 16-20 bits away,
 * among unrelated pictures at 4-14 bits).
 *
 * Windows are scanned in groups of neighbours (same scale, nearby offsets): their hashes differ
 * little, so one pivot hash and a radius per group let the scan skip the whole group when the
 * query is far from the pivot (see ImageHashMatrix).
 */
export interface ImageWindow {
  /** Left and top offsets and side, as fractions of the canonical square. */
  x: number;
  y: number;
  size: number;
}

/** A scale with its offsets (the same list for x and y), split into blocks of neighbouring offsets. */
interface WindowScale {
  size: number;
  offsetBlocks: number[][];
}

const SCALES: WindowScale[] = [
  { size: 1, offsetBlocks: [[0]] },
  { size: 0.9, offsetBlocks: [[0, 0.05, 0.1]] },
  {
    size: 0.8,
    offsetBlocks: [
      [0, 0.05, 0.1],
      [0.15, 0.2],
    ],
  },
  {
    size: 0.7,
    offsetBlocks: [
      [0, 0.075, 0.15],
      [0.225, 0.3],
    ],
  },
  // 60 % windows only around the centre: smaller crops are rarely off-centre by much, and every
  // window costs scan time at 100k images.
  { size: 0.6, offsetBlocks: [[0.1, 0.2, 0.3]] },
];

function buildWindows(): { windows: ImageWindow[]; groups: number[][] } {
  const windows: ImageWindow[] = [];
  const groups: number[][] = [];
  for (const { size, offsetBlocks } of SCALES) {
    for (const rows of offsetBlocks) {
      for (const columns of offsetBlocks) {
        const group: number[] = [];
        for (const y of rows) {
          for (const x of columns) {
            group.push(windows.length);
            windows.push({ x, y, size });
          }
        }
        groups.push(group);
      }
    }
  }
  return { windows, groups };
}

const built = buildWindows();

/** Window 0 is always the whole image. */
export const IMAGE_WINDOWS: readonly ImageWindow[] = built.windows;
export const WINDOW_COUNT = IMAGE_WINDOWS.length;
/** Indexes into IMAGE_WINDOWS; every window is in exactly one group. */
export const WINDOW_GROUPS: readonly (readonly number[])[] = built.groups;
