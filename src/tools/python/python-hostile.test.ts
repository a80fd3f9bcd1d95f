import { existsSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ImageSet } from "../../core/image-set.js";
import type { ToolContext } from "../../core/tool.js";
import type { ToolOutputData } from "../../core/tool-output.js";
import { SandboxPool } from "../../sandbox/sandbox-pool.js";
import { hasSandbox, sandboxPythonPath } from "../../sandbox/sandbox-test-support.js";
import { pythonTool } from "./index.js";

type CodeData = Extract<ToolOutputData, { kind: "code" }>;

/**
 * Hostile code must fail inside the sandbox, leave the host untouched, and leave the tool able to
 * serve the next call (after a restart where the session had to be killed).
 */
describe.skipIf(!hasSandbox)("python tool against hostile code", () => {
  const secret = `loupe-secret-${process.pid}-${Date.now()}`;
  process.env.LOUPE_HOSTILE_TEST_SECRET = secret;
  const pool = new SandboxPool({
    pythonPath: sandboxPythonPath,
    warmSessions: 1,
    limits: { wallSecondsPerCall: 3, memoryBytes: 1024 ** 3, processes: 32, maxOutputChars: 1000 },
  });
  const tool = pythonTool({ pool });
  const state = new Map<string, unknown>();
  const images = new ImageSet();
  const context: ToolContext = {
    images,
    addImage: (bytes, facts, origin) =>
      images.add(bytes, facts, { kind: "tool", tool: "python", callId: "c", step: 1, ...origin }),
    signal: new AbortController().signal,
    callId: "c",
    step: 1,
    question: "",
    state,
  };
  const run = async (code: string) => (await tool.execute({ code }, context)).data as CodeData;
  const expectStillServes = async () => expect((await run("6 * 7")).result).toBe("42");

  let server: Server;
  let port = 0;
  let connections = 0;
  beforeAll(async () => {
    server = createServer((socket) => {
      connections++;
      socket.destroy();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    port = (server.address() as { port: number }).port;
  });
  afterAll(async () => {
    await tool.dispose?.(state);
    await pool.close();
    await new Promise((resolve) => server.close(resolve));
    delete process.env.LOUPE_HOSTILE_TEST_SECRET;
  });

  it("cannot reach a server listening on the host's loopback", async () => {
    const data = await run(`import socket\nsocket.create_connection(("127.0.0.1", ${port}), timeout=1)`);
    expect(data.error).toMatch(/ConnectionRefused|OSError|unreachable/i);
    expect(connections).toBe(0);
    await expectStillServes();
  });

  it("cannot read the project, /etc/shadow, home folders or the host's environment", async () => {
    const data = await run(
      [
        "import os",
        "found = []",
        "for path in ['/work/main/package.json', '/etc/shadow', '/etc/passwd', '/root', '/home', '/proc/1/environ']:",
        "    try:",
        "        found.append((path, open(path).read()[:200]) if os.path.isfile(path) else (path, os.listdir(path)))",
        "    except Exception as error:",
        "        pass",
        "print(found)",
        "print(dict(os.environ))",
      ].join("\n"),
    );
    expect(data.stdout).not.toContain(secret);
    expect(data.stdout).not.toContain("package.json");
    for (const path of ["/work/main", "/etc/shadow", "/etc/passwd", "/root", "/home"]) {
      expect(data.stdout).not.toContain(`'${path}`);
    }
    await expectStillServes();
  });

  it("cannot write outside its work folder", async () => {
    const marker = `loupe-escape-${process.pid}`;
    const data = await run(
      [
        "written = []",
        `for path in ['/tmp/${marker}', '/usr/${marker}', '/${marker}', '../${marker}', '/work/main/${marker}']:`,
        "    try:",
        "        open(path, 'w').write('x'); written.append(path)",
        "    except OSError:",
        "        pass",
        "written",
      ].join("\n"),
    );
    expect(data.result).not.toContain("/usr/");
    for (const path of [`/tmp/${marker}`, `/usr/${marker}`, `/${marker}`, `/work/main/${marker}`]) {
      expect(existsSync(path)).toBe(false);
    }
    await expectStillServes();
  });

  it("survives a fork bomb", async () => {
    const data = await run("import os\nwhile True:\n    os.fork()");
    expect(data.error ?? "").toMatch(/BlockingIOError|Resource temporarily unavailable|restarted/);
    await expectStillServes();
  });

  it("survives a memory bomb", async () => {
    const data = await run("hog = bytearray(8 * 1024**3)");
    expect(data.error).toContain("MemoryError");
    const growing = await run("chunks = []\nwhile True:\n    chunks.append(bytearray(50 * 1024**2))");
    expect(growing.error).toMatch(/MemoryError|restarted/);
    await expectStillServes();
  });

  it("stops an infinite loop and restarts the session, saying state was lost", async () => {
    await run("kept = 1");
    const data = await run("while True:\n    pass");
    expect(data.restarted).toBe(true);
    expect(data.error).toContain("restarted");
    expect((await run("'kept' in globals()")).result).toBe("False");
    await expectStillServes();
  });

  it("truncates huge output with a note", async () => {
    const data = await run("print('x' * 5_000_000)");
    expect(data.stdout.length).toBeLessThan(2000);
    expect(data.stdout).toContain("more characters of output dropped");
    await expectStillServes();
  });

  it("survives killing its parent, pid 1 and itself", async () => {
    await run("import os, signal\nos.kill(os.getppid(), signal.SIGKILL)");
    await run("import os, signal\nos.kill(1, signal.SIGKILL)");
    const data = await run("import os, signal\nos.kill(os.getpid(), signal.SIGKILL)");
    expect(data.restarted).toBe(true);
    await expectStillServes();
  });
});
