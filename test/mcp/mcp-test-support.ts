import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import sharp from "sharp";

const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const cliEntry = resolve(projectRoot, "src/apps/cli/main.ts");
const peakMemoryPreload = resolve(projectRoot, "test/support/peak-memory.mjs");

/** The environment of a `loupe mcp` child: no model or key settings from outside, its own $LOUPE_HOME. */
export async function childEnvironment(extra: Record<string, string> = {}): Promise<Record<string, string>> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && !/^(LOUPE_|OPENAI_)/.test(key)) env[key] = value;
  }
  const home = await mkdtemp(join(tmpdir(), "loupe-mcp-home-"));
  return { ...env, NO_COLOR: "1", FORCE_COLOR: "0", LOUPE_HOME: home, ...extra };
}

/** An MCP client of `loupe mcp` on stdio, the CLI run from source through tsx as a client would start it. */
export async function connectStdio(
  args: string[],
  env?: Record<string, string>,
  options: { peakMemoryFile?: string } = {},
) {
  const { peakMemoryFile } = options;
  const preload = peakMemoryFile ? ["--import", peakMemoryPreload] : [];
  const childEnv = env ?? (await childEnvironment());
  if (peakMemoryFile) childEnv.LOUPE_TEST_PEAK_MEMORY_FILE = peakMemoryFile;
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [...preload, "--import", "tsx", cliEntry, "mcp", ...args],
    env: childEnv,
    cwd: projectRoot,
    stderr: "pipe",
  });
  let stderr = "";
  transport.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const client = new Client({ name: "loupe-test", version: "1.0.0" });
  await client.connect(transport);
  return { client, transport, stderr: () => stderr };
}

export interface HttpChild {
  url: string;
  child: ChildProcess;
  stderr(): string;
  stop(): Promise<void>;
}

/** `loupe mcp --http` on a free loopback port; resolves with its URL once it listens. */
export async function startHttpChild(args: string[], env?: Record<string, string>): Promise<HttpChild> {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", cliEntry, "mcp", "--http", "--port", "0", ...args],
    { cwd: projectRoot, env: env ?? (await childEnvironment()), stdio: ["ignore", "pipe", "pipe"] },
  );
  let stderr = "";
  const url = await new Promise<string>((resolveUrl, reject) => {
    const timer = setTimeout(() => reject(new Error(`loupe mcp --http did not start:\n${stderr}`)), 30_000);
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
      const found = /listening on (http:\/\/\S+)/.exec(stderr)?.[1];
      if (found) {
        clearTimeout(timer);
        resolveUrl(found);
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`loupe mcp --http exited with ${code}:\n${stderr}`));
    });
  });
  return {
    url,
    child,
    stderr: () => stderr,
    stop: () =>
      new Promise<void>((resolveStop) => {
        if (child.exitCode !== null) return resolveStop();
        const killer = setTimeout(() => child.kill("SIGKILL"), 10_000);
        child.once("exit", () => {
          clearTimeout(killer);
          resolveStop();
        });
        child.kill("SIGTERM");
      }),
  };
}

export async function connectHttp(url: string, headers: Record<string, string> = {}) {
  const transport = new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers } });
  const client = new Client({ name: "loupe-test", version: "1.0.0" });
  await client.connect(transport);
  return { client, transport };
}

/**
 * A PNG whose every pixel is different (red = x, green = y, blue = their mix), so a region can
 * be found exactly: PNG in, PNG out, no lossy step in between.
 */
export async function writePatternImage(width = 240, height = 180): Promise<string> {
  const pixels = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const offset = (y * width + x) * 3;
      pixels[offset] = x % 256;
      pixels[offset + 1] = y % 256;
      pixels[offset + 2] = (x * 7 + y * 13) % 256;
    }
  }
  const folder = await mkdtemp(join(tmpdir(), "loupe-mcp-image-"));
  const path = join(folder, "pattern.png");
  await writeFile(
    path,
    await sharp(pixels, { raw: { width, height, channels: 3 } })
      .png()
      .toBuffer(),
  );
  return path;
}

/** The raw RGB pixels of an image, given as bytes or a path, for exact comparison. */
export async function rawPixels(input: Buffer | string) {
  const { data, info } = await sharp(input).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

/** The pixels of a region of an image file. */
export async function regionPixels(path: string, left: number, top: number, width: number, height: number) {
  return rawPixels(await sharp(path).extract({ left, top, width, height }).png().toBuffer());
}

export function textOf(result: CallToolResult | Awaited<ReturnType<Client["callTool"]>>): string {
  const content = (result as CallToolResult).content ?? [];
  return content
    .filter((part) => part.type === "text")
    .map((part) => (part as { text: string }).text)
    .join("\n");
}

export function imagesOf(result: CallToolResult | Awaited<ReturnType<Client["callTool"]>>) {
  const content = (result as CallToolResult).content ?? [];
  return content.filter((part) => part.type === "image") as {
    type: "image";
    data: string;
    mimeType: string;
  }[];
}
