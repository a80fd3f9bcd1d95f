/** One `<name>body</name>` region of model output. */
export interface TagMatch {
  name: string;
  body: string;
  /** The whole region as written, tags included. */
  raw: string;
  start: number;
  end: number;
  /** False when the text ended before the closing tag (a stop sequence or a cut-off turn). */
  closed: boolean;
}

/**
 * Finds the given tags in reading order. Scanning is sequential: once a tag opens, everything up to
 * its closing tag is its body, so a `<answer>` written inside a `<code>` string is not an answer.
 * A tag left open runs to the end of the text. Linear in the text length; never throws.
 */
export function scanTags(text: string, names: readonly string[]): TagMatch[] {
  const matches: TagMatch[] = [];
  const nextOpen = new Map<string, number>();
  let position = 0;
  while (position < text.length) {
    let earliest: { name: string; index: number } | undefined;
    for (const name of names) {
      let index = nextOpen.get(name);
      if (index === undefined || (index >= 0 && index < position)) {
        index = text.indexOf(`<${name}>`, position);
        nextOpen.set(name, index);
      }
      if (index >= 0 && (earliest === undefined || index < earliest.index)) earliest = { name, index };
    }
    if (!earliest) break;
    const { name, index } = earliest;
    const bodyStart = index + name.length + 2;
    const closeIndex = text.indexOf(`</${name}>`, bodyStart);
    const closed = closeIndex >= 0;
    const end = closed ? closeIndex + name.length + 3 : text.length;
    matches.push({
      name,
      body: text.slice(bodyStart, closed ? closeIndex : text.length),
      raw: text.slice(index, end),
      start: index,
      end,
      closed,
    });
    position = end;
  }
  return matches;
}

/** The text with the given regions cut out. */
export function removeRegions(text: string, regions: readonly { start: number; end: number }[]): string {
  let result = "";
  let position = 0;
  for (const region of regions) {
    result += text.slice(position, region.start);
    position = region.end;
  }
  return result + text.slice(position);
}
