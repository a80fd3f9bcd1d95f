import type { PixelBox } from "./coordinates.js";

export interface BoxAnnotation {
  box: PixelBox;
  label?: string;
  colour: string;
}

export interface PointAnnotation {
  x: number;
  y: number;
  label?: string;
  colour: string;
}

/** Distinct, saturated colours that stay visible on photos; annotations cycle through them. */
export const annotationPalette = ["#ff3b30", "#34c759", "#007aff", "#ff9500", "#af52de", "#00c7be"] as const;

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (character) => `&#${character.charCodeAt(0)};`);
}

/**
 * An SVG the size of the image with the boxes, points and their labels, for sharp to composite
 * on top. Line widths and text scale with the image so marks are visible on 8K photos and on
 * small crops alike. Colours were validated by the tool's schema; labels are escaped here.
 */
export function annotationSvg(
  width: number,
  height: number,
  boxes: readonly BoxAnnotation[],
  points: readonly PointAnnotation[],
): string {
  const shorter = Math.min(width, height);
  const stroke = Math.max(2, Math.round(shorter / 250));
  const fontSize = Math.max(12, Math.round(shorter / 40));
  const radius = Math.max(4, Math.round(shorter / 120));
  const parts: string[] = [];
  const label = (text: string, x: number, y: number, colour: string) => {
    const textWidth = Math.ceil(text.length * fontSize * 0.62) + fontSize / 2;
    const boxHeight = Math.round(fontSize * 1.3);
    const left = Math.min(Math.max(0, x), Math.max(0, width - textWidth));
    const top = Math.min(Math.max(0, y), Math.max(0, height - boxHeight));
    parts.push(
      `<rect x="${left}" y="${top}" width="${textWidth}" height="${boxHeight}" fill="${colour}"/>`,
      `<text x="${left + fontSize / 4}" y="${top + fontSize}" font-family="DejaVu Sans, Arial, sans-serif" ` +
        `font-size="${fontSize}" fill="#ffffff">${escapeXml(text)}</text>`,
    );
  };
  for (const { box, label: text, colour } of boxes) {
    const [x1, y1, x2, y2] = box;
    parts.push(
      `<rect x="${x1 + stroke / 2}" y="${y1 + stroke / 2}" width="${Math.max(1, x2 - x1 - stroke)}" ` +
        `height="${Math.max(1, y2 - y1 - stroke)}" fill="none" stroke="${colour}" stroke-width="${stroke}"/>`,
    );
    if (text) {
      const above = y1 - Math.round(fontSize * 1.3);
      label(text, x1, above >= 0 ? above : y1 + stroke, colour);
    }
  }
  for (const { x, y, label: text, colour } of points) {
    parts.push(
      `<circle cx="${x}" cy="${y}" r="${radius}" fill="${colour}" stroke="#ffffff" stroke-width="${Math.max(1, stroke / 2)}"/>`,
    );
    if (text) label(text, x + radius * 1.5, y - Math.round(fontSize * 0.65), colour);
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">${parts.join("")}</svg>`;
}
