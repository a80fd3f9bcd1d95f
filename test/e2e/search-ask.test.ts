import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import sharp from "sharp";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { fixturePath, hasFixtures } from "../support/fixtures.js";
import { type RecordedRequest, type ScriptedReply, startModelServer } from "../support/model-server.js";
import { runCli } from "../support/run-cli.js";

/**
 * `loupe ask` with the search tools, end to end: a corpus written from the livevqa-news fixtures
 * is ingested with the real `loupe index add`, then a scripted model searches by a crop of one
 * picture, searches by text, visits the page the image search found and answers. Everything the
 * model reads comes from the real CLI, index and tools.
 */

interface Story {
  url: string;
  title: string;
  query: string;
  answer: string;
  imagePath: string;
}

// biome-ignore lint/suspicious/noExplicitAny: recorded wire messages are read loosely.
type WireMessage = any;

const fixturesFolder = fixturePath("livevqa-news");
const stopServers: (() => Promise<void>)[] = [];
let folder: string;
let home: string;
let crop: string;
let target: Story;
const question = "When may the league owners reconsider the ban on the play shown in this picture?";

afterEach(async () => {
  await Promise.all(stopServers.splice(0).map((stop) => stop()));
});

/** Writes one HTML page per picture (canonical URL, <img src> of the picture beside it). */
async function writeStories(corpus: string, count: number): Promise<Story[]> {
  const rows = JSON.parse(await readFile(join(fixturesFolder, "benchmark.json"), "utf8")).slice(0, count);
  await mkdir(join(corpus, "images"), { recursive: true });
  await mkdir(join(corpus, "pages"), { recursive: true });
  const stories: Story[] = [];
  for (const [index, row] of rows.entries()) {
    const imagePath = join(corpus, "images", row.img_path);
    await copyFile(join(fixturesFolder, "images", row.img_path), imagePath);
    const url = `https://news.example.com/stories/${index}`;
    const title = `${row.source} story ${index}`;
    const answer = row.level2_qa.Ground_Truth_List[0];
    await writeFile(
      join(corpus, "pages", `story-${index}.html`),
      `<!doctype html><html><head><title>${title}</title><link rel="canonical" href="${url}"></head>
      <body><nav><a href="/">Home</a></nav><article><h1>${title}</h1>
      <figure><img src="../images/${row.img_path}" alt="Photo for story ${index}"><figcaption>Photo for story ${index}</figcaption></figure>
      <p>${row.level2_qa.question} The answer reported here is ${answer}.</p>
      <p>${row.level1_qa.question} Editors wrote this page so the test has something to find, with enough
      words in its paragraphs for the readability extraction to treat it as the main content.</p>
      </article></body></html>`,
    );
    stories.push({ url, title, query: row.level2_qa.question, answer, imagePath });
  }
  return stories;
}

/** The text of a wire message or a trajectory message, images left out. */
function textOf(message: WireMessage): string {
  if (typeof message.content === "string") return message.content;
  return (message.content ?? [])
    .filter((part: WireMessage) => part.type === "text")
    .map((part: WireMessage) => part.text)
    .join("");
}

/** What the model read since its last turn: the observations of its last actions. */
function lastObservation(request: RecordedRequest): string {
  const messages: WireMessage[] = request.body.messages;
  const lastAssistant = messages.map((message) => message.role).lastIndexOf("assistant");
  return messages
    .slice(lastAssistant + 1)
    .map(textOf)
    .join("\n");
}

/** The JSON list inside an R1V4 <observation>. */
function observationJson(text: string): WireMessage[] {
  // The JSON list is the observation's first line; thumbnail lines may follow it.
  const match = /<observation>\n(.*)\n/.exec(text);
  expect(match, text).not.toBeNull();
  return JSON.parse(match![1]!);
}

/** How each dialect writes the four turns of the scripted run. */
interface Speaker {
  dialect: string;
  tools?: string;
  imageSearch(): ScriptedReply;
  textSearch(query: string): ScriptedReply;
  webVisit(url: string): ScriptedReply;
  answer(text: string): ScriptedReply;
}

const native: Speaker = {
  dialect: "native",
  tools: "image_search,text_search,web_visit",
  imageSearch: () => ({ toolCalls: [{ name: "image_search", arguments: { images: ["image_1"] } }] }),
  textSearch: (query) => ({ toolCalls: [{ name: "text_search", arguments: { queries: [query] } }] }),
  webVisit: (url) => ({ toolCalls: [{ name: "web_visit", arguments: { urls: [url] } }] }),
  answer: (text) => ({ content: text }),
};

const skywork: Speaker = {
  dialect: "skywork-r1v4",
  imageSearch: () => ({
    content:
      '<think>Find where this photo comes from.</think>\n<tool_call>{"name": "image_search", "arguments": {"image_paths": ["image_1"]}}</tool_call>',
  }),
  textSearch: (query) => ({
    content: `<think>Search for the story.</think>\n<tool_call>${JSON.stringify({ name: "text_search", arguments: { queries: [query] } })}</tool_call>`,
  }),
  webVisit: (url) => ({
    content: `<think>Read the article.</think>\n<tool_call>${JSON.stringify({ name: "web_visit", arguments: { urls: [url] } })}</tool_call>`,
  }),
  answer: (text) => ({ content: `<think>The article says so.</think><answer>${text}</answer>` }),
};

/** Takes the first story URL the model was shown; the script visits what the search really found. */
function firstStoryUrl(text: string): string | undefined {
  return /https:\/\/news\.example\.com\/stories\/\d+/.exec(text)?.[0];
}

async function modelServer(script: Parameters<typeof startModelServer>[0]) {
  const server = await startModelServer(script);
  stopServers.push(server.close);
  return server;
}

async function ask(speaker: Speaker, args: string[]) {
  const out = await mkdtemp(join(folder, "run-"));
  const result = await runCli(
    [
      "ask",
      "--image",
      crop,
      "--model",
      "test-model",
      "--dialect",
      speaker.dialect,
      ...(speaker.tools ? ["--tools", speaker.tools] : []),
      "--out",
      out,
      ...args,
      question,
    ],
    { env: { LOUPE_HOME: home } },
  );
  return { result, out };
}

describe.skipIf(!hasFixtures)("loupe ask with search tools (end to end, local index)", () => {
  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), "loupe-search-ask-"));
    home = join(folder, "home");
    const corpus = join(folder, "corpus");
    const stories = await writeStories(corpus, 4);
    target = stories[0]!;
    const ingest = await runCli(["index", "add", corpus, "--json"], { env: { LOUPE_HOME: home } });
    expect(ingest.code, ingest.stderr).toBe(0);
    expect(JSON.parse(ingest.stdout)).toMatchObject({ documents: 4, images: 4 });
    // The model is given a crop of the picture, recompressed: the search must still find the original.
    const image = sharp(target.imagePath);
    const { width = 0, height = 0 } = await image.metadata();
    crop = join(folder, "crop.jpg");
    await sharp(target.imagePath)
      .extract({
        left: Math.round(width * 0.15),
        top: Math.round(height * 0.1),
        width: Math.round(width * 0.7),
        height: Math.round(height * 0.75),
      })
      .jpeg({ quality: 70 })
      .toFile(crop);
  }, 120_000);

  afterAll(async () => {
    if (folder) await rm(folder, { recursive: true, force: true });
  });

  for (const speaker of [native, skywork]) {
    it(`${speaker.dialect}: image search, text search, page visit, answer; recorded for replay`, async () => {
      let foundUrl: string | undefined;
      const model = await modelServer((request, index) => {
        if (index === 0) return speaker.imageSearch();
        if (index === 1) {
          foundUrl = firstStoryUrl(lastObservation(request));
          return speaker.textSearch(target.query);
        }
        if (index === 2) return foundUrl ? speaker.webVisit(foundUrl) : speaker.answer("no URL was found");
        return speaker.answer(target.answer);
      });
      const { result, out } = await ask(speaker, ["--base-url", model.baseUrl]);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout.trim()).toBe(target.answer);
      expect(model.requests).toHaveLength(4);
      expect(foundUrl).toBe(target.url);

      const [imageSeen, textSeen, pageSeen] = [1, 2, 3].map((index) =>
        lastObservation(model.requests[index]!),
      ) as [string, string, string];
      if (speaker.dialect === "native") {
        expect(imageSeen).toContain(
          `Reverse image search for image_1 (local):\n1. ${target.title}\n   page: ${target.url}`,
        );
        expect(textSeen).toContain(
          `Results for "${target.query}" (local):\n1. ${target.title}\n   ${target.url}`,
        );
        expect(pageSeen).toContain(`Page ${target.url} — ${target.title}:`);
      } else {
        // The numbered lists of the R1V4 paper's figures.
        expect(imageSeen).toContain(`<observation>\n1. ${target.title} link: ${target.url} image: `);
        expect(textSeen).toContain(`<observation>\n1. ${target.title} link: ${target.url} text: `);
        expect(observationJson(pageSeen)[0]).toMatchObject({ title: target.title, url: target.url });
      }
      const pageContent =
        speaker.dialect === "native" ? pageSeen : (observationJson(pageSeen)[0].content as string);
      expect(pageContent).toContain(`[BEGIN UNTRUSTED WEB CONTENT from ${target.url}.`);
      expect(pageContent).toContain(`The answer reported here is ${target.answer}.`);
      expect(pageContent).toContain("[END UNTRUSTED WEB CONTENT]");

      // The trajectory keeps what each search returned, and the conversation exactly as sent.
      const trajectory = JSON.parse(await readFile(join(out, "trajectory.json"), "utf8"));
      const observations = trajectory.steps.flatMap((step: WireMessage) => step.observations);
      expect(observations.map((observation: WireMessage) => observation.tool)).toEqual([
        "image_search",
        "text_search",
        "web_visit",
      ]);
      expect(observations[0].data).toMatchObject({ kind: "image-search", backend: "local" });
      expect(observations[0].data.results[0][0]).toMatchObject({ title: target.title, link: target.url });
      expect(observations[1].data).toMatchObject({ kind: "text-search", queries: [target.query] });
      expect(observations[1].data.results[0][0]).toMatchObject({ title: target.title, url: target.url });
      expect(pageContent).toContain(observations[2].data.pages[0].content);
      const sent = model.requests[3]!.body.messages as WireMessage[];
      expect(trajectory.messages.slice(0, sent.length).map(textOf)).toEqual(sent.map(textOf));

      const replay = await runCli(["replay", out]);
      expect(replay.code, replay.stderr).toBe(0);
      expect(replay.stdout).toContain("→ image_search");
      expect(replay.stdout).toContain(target.url);
      expect(replay.stdout).toContain("→ web_visit");
      expect(replay.stdout).toContain(target.answer);
    });
  }

  it("mmsearch-r1: searches by the image, then by the title it found, and answers", async () => {
    let foundTitle: string | undefined;
    const model = await modelServer((request, index) => {
      if (index === 0) return { content: "<think>Where is this photo from?</think>\n<search><img></search>" };
      if (index === 1) {
        foundTitle = /\n1\. image: [^\n]*\ntitle: (.+)\n/.exec(lastObservation(request))?.[1];
        return { content: `<think>Look the story up.</think>\n<text_search>${foundTitle}</text_search>` };
      }
      return { content: `<think>Found it.</think><answer>${target.answer}</answer>` };
    });
    const { result, out } = await ask({ ...native, dialect: "mmsearch-r1", tools: undefined }, [
      "--base-url",
      model.baseUrl,
    ]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout.trim()).toBe(target.answer);
    expect(foundTitle).toBe(target.title);
    const imageSeen = lastObservation(model.requests[1]!);
    expect(imageSeen).toMatch(/^Searched results: <information>\[Image Search Results\]/);
    expect(imageSeen).toContain(`\ntitle: ${target.title}\n</information>\nOriginal user's question: `);
    const textSeen = lastObservation(model.requests[2]!);
    expect(textSeen).toMatch(/^Searched results: <information>\[Text Search Results\]/);
    expect(textSeen).toContain(`\n1. (${target.url}) ${target.title}: `);
    const trajectory = JSON.parse(await readFile(join(out, "trajectory.json"), "utf8"));
    expect(trajectory.steps[1].observations[0].data).toMatchObject({
      kind: "text-search",
      queries: [target.title],
    });
  });

  it("falls back from a failing provider to the local index and says so", async () => {
    const providerPaths: string[] = [];
    const provider = createServer((request, response) => {
      providerPaths.push(`${request.method} ${request.url}`);
      request.resume();
      response.writeHead(500, { "Content-Type": "application/json" });
      response.end(JSON.stringify({ message: "Internal error" }));
    });
    await new Promise<void>((resolve) => provider.listen(0, "127.0.0.1", resolve));
    stopServers.push(() => new Promise((resolve) => provider.close(() => resolve())));
    const providerUrl = `http://127.0.0.1:${(provider.address() as AddressInfo).port}`;

    const model = await modelServer([
      native.textSearch(target.query),
      native.imageSearch(),
      native.answer("May"),
    ]);
    const config = join(folder, "fallback.config.json");
    await writeFile(
      config,
      JSON.stringify({
        search: {
          backends: { text: ["serper", "local"], image: ["serper", "local"] },
          providers: { serper: { apiKey: "test-key", baseUrl: providerUrl, maxRetries: 0 } },
        },
      }),
    );
    const { result } = await ask(native, ["--config", config, "--base-url", model.baseUrl]);
    expect(result.code, result.stderr).toBe(0);
    expect(providerPaths).toContain("POST /search");

    const textSeen = lastObservation(model.requests[1]!);
    expect(textSeen).toContain(`Results for "${target.query}" (local):\n1. ${target.title}`);
    expect(textSeen).toMatch(/Note: serper failed: HTTP 500.*; used local/);
    const imageSeen = lastObservation(model.requests[2]!);
    expect(imageSeen).toContain(`(local):\n1. ${target.title}\n   page: ${target.url}`);
    expect(imageSeen).toMatch(/Note: serper failed: .*; used local/);
  });

  it("summarizes a visited page with the same model when webVisit.summarize is on", async () => {
    const summary = `The owners tabled the vote; they may take it up again in ${target.answer}.`;
    const model = await modelServer((request) => {
      const messages: WireMessage[] = request.body.messages;
      if (textOf(messages.at(-1)).includes("Summarize this page for the question above.")) {
        return { content: summary };
      }
      const turns = messages.filter((message) => message.role === "assistant").length;
      return turns === 0 ? native.webVisit(target.url) : native.answer(target.answer);
    });
    const config = join(folder, "summary.config.json");
    await writeFile(config, JSON.stringify({ search: { webVisit: { summarize: true } } }));
    const { result, out } = await ask(native, ["--config", config, "--base-url", model.baseUrl]);
    expect(result.code, result.stderr).toBe(0);
    expect(model.requests).toHaveLength(3);

    const summaryRequest = model.requests[1]!.body;
    expect(summaryRequest.tools).toBeUndefined();
    const asked = summaryRequest.messages.map(textOf).join("\n");
    expect(asked).toContain(`Question: ${question}`);
    expect(asked).toContain(`Page: ${target.url} (${target.title})`);
    expect(asked).toContain(`The answer reported here is ${target.answer}.`);

    const pageSeen = lastObservation(model.requests[2]!);
    expect(pageSeen).toContain(`Page ${target.url} — ${target.title} (summary):`);
    expect(pageSeen).toContain(`[BEGIN UNTRUSTED WEB CONTENT from ${target.url}.`);
    expect(pageSeen).toContain(summary);
    expect(pageSeen).not.toContain("The answer reported here is");
    const trajectory = JSON.parse(await readFile(join(out, "trajectory.json"), "utf8"));
    expect(trajectory.steps[0].observations[0].data.pages[0]).toMatchObject({ summarized: true });
  });
});
