import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunStore } from "../../src/core/run-store.js";
import type { Trajectory } from "../../src/core/trajectory.js";
import { openRunStore } from "../../src/store/open-run-store.js";
import { testImage } from "../agent/agent-harness.js";
import { json, startTestServer, type TestServer } from "../server/server-harness.js";
import type { ModelScript } from "../support/model-server.js";
import { runCli } from "../support/run-cli.js";
import { artifactFolder, browserAvailable, ensureViewerBuilt, launchChromium } from "./chromium.js";

/**
 * Each run: crop the top-left quadrant, crop the middle of that crop (a crop of a crop), answer.
 * Each reply waits a little, so the live view shows the steps arriving one by one.
 */
const script: ModelScript = (request) => {
  const turn = (request.body.messages as { role: string }[]).filter((m) => m.role === "assistant").length;
  if (turn === 0)
    return {
      delayMs: 150,
      toolCalls: [{ id: "call_a", name: "crop", arguments: { box: [0, 0, 320, 240], label: "red" } }],
    };
  if (turn === 1)
    return {
      delayMs: 150,
      toolCalls: [
        {
          id: "call_b",
          name: "crop",
          arguments: { image: "image_2", box: [80, 60, 240, 180], label: "centre" },
        },
      ],
    };
  return { delayMs: 150, content: "Red." };
};

const available = browserAvailable();

describe.skipIf(!available)("the web viewer in chromium against loupe serve", () => {
  let browser: Browser;
  let server: TestServer;
  let store: RunStore;
  let storePath: string;
  let page: Page;

  beforeAll(async () => {
    ensureViewerBuilt();
    storePath = join(await mkdtemp(join(tmpdir(), "loupe-viewer-store-")), "loupe.db");
    store = await openRunStore(storePath);
    server = await startTestServer(script, { store });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.setDefaultTimeout(10_000);
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await store?.close();
  });

  const shot = (name: string) =>
    page.screenshot({ path: join(artifactFolder(), `${name}.png`), fullPage: true });

  /** Starts a run over the API, as another client would, and waits for its end. */
  async function recordedRun(question: string): Promise<Trajectory> {
    const form = new FormData();
    form.set("question", question);
    form.append("image", new Blob([(await testImage()).bytes], { type: "image/png" }), "quadrants.png");
    const created = await json(await fetch(`${server.url}/v1/runs`, { method: "POST", body: form }));
    for (;;) {
      const run = await json(await fetch(`${server.url}/v1/runs/${created.id}`));
      if (run.status !== "running") return run.trajectory as Trajectory;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** Each crop box's on-screen rectangle against its recorded box in the original's pixels, scaled. */
  async function expectBoxesWhereRecorded(trajectory: Trajectory): Promise<void> {
    const original = trajectory.images[0]!;
    const image = page.locator(`[data-testid="original-${original.id}"] img`);
    await image.evaluate((element) => (element as unknown as { decode(): Promise<void> }).decode());
    const drawn = (await image.boundingBox())!;
    const scale = drawn.width / original.width;
    for (const record of trajectory.images.slice(1)) {
      const recorded = (record.provenance.kind === "tool" &&
        record.provenance.parameters.originalBox) as number[];
      const box = (await page.locator(`[data-testid="box-${record.id}"]`).boundingBox())!;
      expect(box.x).toBeCloseTo(drawn.x + recorded[0]! * scale, 0);
      expect(box.y).toBeCloseTo(drawn.y + recorded[1]! * scale, 0);
      expect(box.width).toBeCloseTo((recorded[2]! - recorded[0]!) * scale, 0);
      expect(box.height).toBeCloseTo((recorded[3]! - recorded[1]!) * scale, 0);
    }
  }

  it("asks with an uploaded image, shows the steps as they come, then the crop boxes where they lie", async () => {
    await page.goto(`${server.url}/#/ask`);
    await page.setInputFiles('input[type="file"]', {
      name: "quadrants.png",
      mimeType: "image/png",
      buffer: Buffer.from((await testImage()).bytes),
    });
    await page.getByLabel("Question").fill("What colour is the top-left quadrant?");
    await page.getByRole("button", { name: "Ask", exact: true }).click();
    // Steps are numbered from 1, in events as in the trajectory.
    await page.getByTestId("live-step-1").waitFor();
    await page.getByTestId("live-step-2").waitFor();
    await expect(page.getByTestId("live-answer").textContent({ timeout: 10_000 })).resolves.toContain("Red.");
    await page.getByTestId("live-ended").waitFor();
    await shot("ask-live");

    await page.getByRole("link", { name: /^[0-9a-f-]{36}$/ }).click();
    await page.getByTestId("step-detail").waitFor();
    const id = decodeURIComponent(new URL(page.url()).hash.split("/")[2]!);
    const trajectory = (await json(await fetch(`${server.url}/v1/runs/${id}`))).trajectory as Trajectory;
    expect(trajectory.images).toHaveLength(3);
    // The crop of the crop: [80, 60, 240, 180] of the 683x512 zoomed first crop of [0, 0, 320, 240].
    const nested = trajectory.images[2]!;
    expect(nested.provenance.kind === "tool" && nested.provenance.parameters.originalBox).toEqual([
      37, 28, 112, 84,
    ]);
    await expectBoxesWhereRecorded(trajectory);
    await shot("run-view");

    // j moves to the next step: the nested crop is the one chosen and zoomed.
    await page.keyboard.press("j");
    await expect(page.getByTestId(`box-${nested.id}`).getAttribute("aria-pressed")).resolves.toBe("true");
    await expect(page.getByTestId("crop-zoom").locator("img").getAttribute("alt")).resolves.toContain(
      "centre",
    );
  });

  it("opens a past run from the runs list, and compares two runs step by step", async () => {
    const first = await recordedRun("Which quadrant is red? (first)");
    const second = await recordedRun("Which quadrant is red? (second)");
    await page.goto(`${server.url}/#/runs`);
    await page.getByRole("link", { name: "Which quadrant is red? (first)" }).click();
    await expect(page.getByTestId("answer").textContent()).resolves.toContain("Red.");
    await expect(page.getByTestId("stop-reason").textContent()).resolves.toContain("answer");
    await expectBoxesWhereRecorded(first);

    await page.goto(`${server.url}/#/runs`);
    await page.getByLabel(`Compare run ${first.id}`).check();
    await page.getByLabel(`Compare run ${second.id}`).check();
    await page.getByRole("link", { name: "Compare the two ticked runs" }).click();
    const row = page.getByTestId("compare-step-1");
    await row.waitFor();
    await expect(row.getByTestId("step-detail").count()).resolves.toBe(2);
    await shot("compare");
  });

  it("opens a run file dropped onto the page, and filters the runs list", async () => {
    const trajectory = await recordedRun("Dropped: which quadrant is red?");
    const file = join(await mkdtemp(join(tmpdir(), "loupe-drop-")), "run.json");
    const exported = await runCli(["runs", "export", trajectory.id, "--file", file, "--store", storePath]);
    expect(exported.code, exported.stderr).toBe(0);
    await page.goto(`${server.url}/#/runs`);
    await page.getByLabel("text").fill("Dropped");
    await expect.poll(() => page.locator("tbody tr").count()).toBe(1);
    await expect(page.locator("tbody tr").textContent()).resolves.toContain("Dropped");
    // A drop as the browser makes it, with the file in the DataTransfer.
    await page.evaluate(`(() => {
      const transfer = new DataTransfer();
      transfer.items.add(new File([${JSON.stringify(await readFile(file, "utf8"))}], "run.json", { type: "application/json" }));
      const zone = document.querySelector(".drop-zone");
      for (const type of ["dragover", "drop"])
        zone.dispatchEvent(new DragEvent(type, { dataTransfer: transfer, bubbles: true, cancelable: true }));
    })()`);
    await expect(page.getByTestId("answer").textContent()).resolves.toContain("Red.");
    expect(new URL(page.url()).hash).toBe("#/file");
    await expectBoxesWhereRecorded(trajectory);
    await shot("dropped");
  });

  it("draws code, search results and pages from a step's structured outputs", async () => {
    const trajectory = await recordedRun("Outputs: which quadrant is red?");
    const file = join(await mkdtemp(join(tmpdir(), "loupe-outputs-")), "run.json");
    const exported = await runCli(["runs", "export", trajectory.id, "--file", file, "--store", storePath]);
    expect(exported.code, exported.stderr).toBe(0);
    // The run's file with one more step, as the python, web_search and web_visit tools record them.
    const run = JSON.parse(await readFile(file, "utf8"));
    const call = (id: string, tool: string, args: unknown) => ({ id, tool, arguments: args, raw: "" });
    const output = (callId: string, tool: string, data: unknown, images: string[] = []) => ({
      callId,
      tool,
      text: `${tool} output`,
      images,
      data,
      isError: false,
      durationMs: 42,
    });
    run.steps.push({
      ...run.steps[0],
      index: 4,
      actions: [
        call("py", "python", { code: "import numpy as np  # arrays\nprint('hi', 42)" }),
        call("ws", "web_search", { query: "red quadrant" }),
        call("wv", "web_visit", { url: "https://example.org/red" }),
      ],
      observations: [
        output("py", "python", { kind: "code", stdout: "hi 42\n", stderr: "a warning", result: "None" }, [
          run.images[1].id,
        ]),
        output("ws", "web_search", {
          kind: "text-search",
          queries: ["red quadrant"],
          results: [[{ title: "Red things", url: "https://example.org/red", snippet: "All about red." }]],
        }),
        output("wv", "web_visit", {
          kind: "web-visit",
          pages: [
            {
              url: "https://example.org/red",
              title: "Red page",
              content: "Red is a colour.",
              summarized: true,
            },
          ],
        }),
      ],
    });
    await page.goto(`${server.url}/#/runs`);
    await page.evaluate(`(() => {
      const transfer = new DataTransfer();
      transfer.items.add(new File([${JSON.stringify(JSON.stringify(run))}], "run.json", { type: "application/json" }));
      const zone = document.querySelector(".drop-zone");
      for (const type of ["dragover", "drop"])
        zone.dispatchEvent(new DragEvent(type, { dataTransfer: transfer, bubbles: true, cancelable: true }));
    })()`);
    await page.getByTestId("step-4").click();
    const detail = page.getByTestId("step-detail");
    await expect(detail.locator(".tok-keyword").allTextContents()).resolves.toEqual(["import", "as"]);
    await expect(detail.locator(".tok-comment").textContent()).resolves.toBe("# arrays");
    await expect(detail.locator(".output-stdout pre").textContent()).resolves.toBe("hi 42\n");
    await expect(detail.locator(".output-stderr pre").textContent()).resolves.toBe("a warning");
    await expect(detail.locator(".returned-images img").count()).resolves.toBe(1);
    const card = detail.locator(".card a");
    await expect(card.textContent()).resolves.toBe("Red things");
    await expect(card.getAttribute("href")).resolves.toBe("https://example.org/red");
    await expect(detail.locator(".page summary").textContent()).resolves.toContain("Red page");
    await expect(detail.locator(".page pre").textContent()).resolves.toBe("Red is a colour.");
    await shot("outputs");
  });

  it("exports a run as one HTML file that opens from disk, offline, with the boxes in place", async () => {
    const trajectory = await recordedRun("Exported: which quadrant is red?");
    const file = join(await mkdtemp(join(tmpdir(), "loupe-export-")), "run.html");
    const exported = await runCli(["runs", "export", trajectory.id, "--html", file, "--store", storePath]);
    expect(exported.code, exported.stderr).toBe(0);
    const offline = await browser.newPage({ viewport: { width: 1000, height: 800 }, offline: true });
    const requests: string[] = [];
    offline.on("request", (request) => {
      if (!request.url().startsWith("data:") && !request.url().startsWith("file:"))
        requests.push(request.url());
    });
    const previous = page;
    page = offline;
    try {
      await offline.goto(pathToFileURL(file).href);
      await expect(offline.getByTestId("answer").textContent()).resolves.toContain("Red.");
      await expectBoxesWhereRecorded(trajectory);
      await shot("exported");
      expect(requests).toEqual([]);
      // Dark by the system's preference; the toggle forces light.
      const background = () => offline.evaluate("getComputedStyle(document.body).backgroundColor");
      await offline.emulateMedia({ colorScheme: "dark" });
      await expect(background()).resolves.toBe("rgb(13, 17, 23)");
      await shot("exported-dark");
      await offline.getByRole("button", { name: /^Theme: system/ }).click();
      await expect(background()).resolves.toBe("rgb(255, 255, 255)");
      // On a phone's width the boxes still lie where they were recorded.
      await offline.setViewportSize({ width: 390, height: 844 });
      await expectBoxesWhereRecorded(trajectory);
      await shot("exported-phone");
      // The raw view shows the images the model was sent, where they were sent.
      await offline.getByText(/^Raw messages/).click();
      const sent = trajectory.messages.flatMap((message) =>
        message.role === "user" ? message.content.filter((part) => part.type === "image") : [],
      );
      await expect(offline.locator(".raw-messages img").count()).resolves.toBe(sent.length);
    } finally {
      page = previous;
      await offline.close();
    }
  });
});
