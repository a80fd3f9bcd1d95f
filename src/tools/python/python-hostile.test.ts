import { existsSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ImageSet } from "../../core/image-set.js";
import { createToolContext } from "../../core/tool-context.js";
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
    limits: {
      wallSecondsPerCall: 3,
      memoryBytes: 1024 ** 3,
      processes: 16,
      maxOutputChars: 1000,
      workDiskBytes: 16 * 1024 ** 2,
      tmpDiskBytes: 8 * 1024 ** 2,
      maxImagePixels: 1_000_000,
    },
  });
  const tool = pythonTool({ pool });
  const state = new Map<string, unknown>();
  const images = new ImageSet();
  const context = createToolContext({ tool: "python", callId: "c", images, state });
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

  it("cannot fill the host's disk or RAM: /work and /tmp are small private tmpfs mounts", async () => {
    // Many files each under the file size limit, as an attack on a quota-less folder would write.
    const fill = (folder: string) =>
      [
        "import errno, os",
        "written, failure = 0, None",
        "try:",
        "    for index in range(40):",
        `        with open(f'${folder}/fill-{index}.bin', 'wb') as handle:`,
        "            for _ in range(4):",
        "                handle.write(b'x' * 1024**2)",
        "                written += 1",
        "except OSError as error:",
        "    failure = errno.errorcode.get(error.errno)",
        "written, failure",
      ].join("\n");
    const work = await run(fill("/work"));
    const tmp = await run(fill("/tmp"));
    expect(work.result).toMatch(/^\((1[2-6]), 'ENOSPC'\)$/);
    expect(tmp.result).toMatch(/^\(([4-8]), 'ENOSPC'\)$/);
    await expectStillServes();
    const cleaned = await run(
      "import glob\nfor path in glob.glob('/work/fill-*') + glob.glob('/tmp/fill-*'):\n    os.remove(path)\nopen('/work/after.bin', 'wb').write(b'x' * 1024**2)",
    );
    expect(cleaned.result).toBe("1048576");
  });

  it("sees an empty /usr/local", async () => {
    expect((await run("import os\nos.listdir('/usr/local')")).result).toBe("[]");
    await expectStillServes();
  });

  it("ends every process a call started when the call returns", async () => {
    const started = await run(
      [
        "import subprocess, sys",
        "busy = subprocess.Popen([sys.executable, '-c', 'while True: pass'], start_new_session=True)",
        "orphan = subprocess.run(['sh', '-c', 'sleep 600 >/dev/null 2>&1 & echo $!'], capture_output=True, text=True)",
        "pids = [busy.pid, int(orphan.stdout)]",
        "len(pids)",
      ].join("\n"),
    );
    expect(started.result).toBe("2");
    // Killed orphans are reaped by the namespace's init a moment later: wait for that, briefly.
    const left = await run(
      [
        "import os, time",
        "deadline = time.monotonic() + 2",
        "while time.monotonic() < deadline and any(os.path.exists(f'/proc/{pid}') for pid in pids):",
        "    time.sleep(0.02)",
        "[pid for pid in pids if os.path.exists(f'/proc/{pid}')]",
      ].join("\n"),
    );
    expect(left.error).toBeUndefined();
    expect(left.result).toBe("[]");
    await expectStillServes();
  });

  it("gets no image over the pixel limit past the host, even after switching off the driver's check", async () => {
    const result = await tool.execute(
      {
        code: [
          "import sys, PIL.Image",
          "sys.modules['__main__'].CONFIG['maxImagePixels'] = 10**12",
          "PIL.Image.MAX_IMAGE_PIXELS = None",
          "huge = PIL.Image.new('L', (2000, 1000), 0)",
          "huge.save('huge.png')",
          "show(huge)",
        ].join("\n"),
      },
      context,
    );
    const data = result.data as CodeData;
    expect(result.images).toHaveLength(0);
    expect(data.restarted).toBe(false);
    expect(data.stderr).toContain("image from show dropped: 2000x1000 is over 1000000 pixels");
    expect(data.stderr).toContain("image from file huge.png dropped: 2000x1000 is over 1000000 pixels");
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
