import { readFileSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

/**
 * Builds, for tests, a small corpus about the livevqa-news fixture images: HTML pages (with a
 * canonical URL and an <img> of the picture), Markdown pages, a PDF and a corrupt image, all
 * written into a temporary folder. The fixture images themselves are indexed where they lie.
 */
export interface BenchmarkRow {
  img_path: string;
  source: string;
  level1_qa: { question: string; Ground_Truth_List: string[] };
  level2_qa: { question: string; Ground_Truth_List: string[] };
}

export interface CorpusPage {
  row: BenchmarkRow;
  imagePath: string;
  /** The URL the page is indexed under (canonical for HTML, file:// for Markdown). */
  url: string;
  query: string;
  format: "html" | "markdown";
}

export function readBenchmark(fixturesFolder: string): BenchmarkRow[] {
  return JSON.parse(readFileSync(join(fixturesFolder, "benchmark.json"), "utf8")) as BenchmarkRow[];
}

export async function writeCorpus(
  folder: string,
  fixturesFolder: string,
  rows: BenchmarkRow[],
): Promise<CorpusPage[]> {
  await mkdir(join(folder, "pages"), { recursive: true });
  const pages: CorpusPage[] = [];
  for (const [index, row] of rows.entries()) {
    const imagePath = join(fixturesFolder, "images", row.img_path);
    const imageUrl = pathToFileURL(imagePath).href;
    const answer = row.level2_qa.Ground_Truth_List[0] ?? "";
    if (index % 2 === 0) {
      const url = `https://news.example.com/stories/${index}`;
      const html = `<!doctype html><html><head><title>${escapeHtml(row.source)} story ${index}</title>
        <link rel="canonical" href="${url}"></head><body>
        <nav><a href="/">Home</a></nav>
        <article><h1>${escapeHtml(row.source)} story ${index}</h1>
        <p>${escapeHtml(row.level2_qa.question)} The answer reported here is ${escapeHtml(answer)}.</p>
        <figure><img src="${imageUrl}" alt="${escapeHtml(row.level1_qa.Ground_Truth_List[0] ?? "")}">
        <figcaption>Photo for story ${index}</figcaption></figure>
        <p>${escapeHtml(row.level1_qa.question)} Editors wrote this page so the test has something to find.
        It has enough words in its paragraphs for the readability extraction to treat it as the main content.</p>
        </article></body></html>`;
      const file = join(folder, "pages", `story-${index}.html`);
      await writeFile(file, html);
      pages.push({ row, imagePath, url, query: row.level2_qa.question, format: "html" });
    } else {
      const markdown = `# ${row.source} notes ${index}\n\n${row.level2_qa.question}\n\nAnswer: ${answer}.\n\n![${row.level1_qa.Ground_Truth_List[0] ?? ""}](${imageUrl})\n`;
      const file = join(folder, "pages", `notes-${index}.md`);
      await writeFile(file, markdown);
      pages.push({
        row,
        imagePath,
        url: pathToFileURL(file).href,
        query: row.level2_qa.question,
        format: "markdown",
      });
    }
  }
  return pages;
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}
