import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect } from "vitest";
import { ImageSet } from "../../src/core/image-set.js";
import type { ToolResult } from "../../src/core/tool.js";
import { createToolContext } from "../../src/core/tool-context.js";
import type { ToolOutputData } from "../../src/core/tool-output.js";
import { SandboxPool } from "../../src/sandbox/sandbox-pool.js";
import { hasSandbox, sandboxPythonPath } from "../../src/sandbox/sandbox-test-support.js";
import { pythonTool } from "../../src/tools/python/index.js";
import { hostileCase } from "./hostile-case.js";

type CodeData = Extract<ToolOutputData, { kind: "code" }>;

const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const megabyte = 1024 ** 2;

/**
 * Model-written code trying to get past the sandbox's bounds: host memory outside the limits,
 * namespaces and ptrace, host paths, the image collector and the notes it writes, and image files
 * that would break the next model call. Each case shows the bound at a small size (limits lowered
 * here), and the session must serve the next call afterwards.
 */
describe.skipIf(!hasSandbox)("sandbox (model-written code)", () => {
  const sessionMemoryBytes = 300 * megabyte;
  const pool = new SandboxPool({
    pythonPath: sandboxPythonPath,
    warmSessions: 1,
    limits: {
      wallSecondsPerCall: 4,
      memoryBytes: 1024 ** 3,
      sessionMemoryBytes,
      workDiskBytes: 16 * megabyte,
      tmpDiskBytes: 8 * megabyte,
      shmDiskBytes: 4 * megabyte,
      maxOutputChars: 20_000,
    },
  });
  const tool = pythonTool({ pool });
  const state = new Map<string, unknown>();
  const images = new ImageSet();
  const context = createToolContext({ tool: "python", callId: "c", images, state });
  const call = (code: string): Promise<ToolResult> => Promise.resolve(tool.execute({ code }, context));
  const run = async (code: string) => (await call(code)).data as CodeData;
  const expectStillServes = async () => expect((await run("6 * 7")).result).toBe("42");

  afterAll(async () => {
    await tool.dispose?.(state);
    await pool.close();
  });

  hostileCase(
    "/dev/shm is a small tmpfs within the session's limits and /dev is read-only",
    10_000,
    async () => {
      const data = await run(
        [
          "import errno, multiprocessing, os",
          "written, failure = 0, None",
          "try:",
          "    with open('/dev/shm/fill.bin', 'wb') as handle:",
          "        for _ in range(16):",
          "            handle.write(b'x' * 1024**2)",
          "            handle.flush()",
          "            written += 1",
          "except OSError as error:",
          "    failure = errno.errorcode.get(error.errno)",
          "os.remove('/dev/shm/fill.bin')",
          "try:",
          "    open('/dev/fill.bin', 'wb')",
          "    dev = 'writable'",
          "except OSError as error:",
          "    dev = errno.errorcode.get(error.errno)",
          // multiprocessing's locks live in /dev/shm (sem_open): they must still work.
          "lock = multiprocessing.Lock()",
          "with lock:",
          "    pass",
          "written, failure, dev",
        ].join("\n"),
      );
      expect(data.error).toBeUndefined();
      expect(data.result).toMatch(/^\([0-4], 'ENOSPC', 'EROFS'\)$/);
      await expectStillServes();
    },
  );

  hostileCase("processes that together pass the session's memory limit end the session", 15_000, async () => {
    const children = (count: number) =>
      [
        "import os, time",
        "pids = []",
        `for _ in range(${count}):`,
        "    pid = os.fork()",
        "    if pid == 0:",
        "        hog = b'x' * (150 * 1024**2)",
        "        time.sleep(3)",
        "        os._exit(0)",
        "    pids.append(pid)",
        "for pid in pids:",
        "    os.waitpid(pid, 0)",
        "'done'",
      ].join("\n");
    // One child of 150 MB is within 300 MB for the whole session.
    expect((await run(children(1))).result).toBe("'done'");
    const started = Date.now();
    const data = await run(children(3));
    expect(Date.now() - started).toBeLessThan(3000);
    expect(data.restarted).toBe(true);
    expect(data.error).toContain(`processes together used over ${sessionMemoryBytes} bytes of memory`);
    expect(data.error).toContain("The session was restarted");
    await expectStillServes();
  });

  hostileCase(
    "a thread left running cannot pass the session's memory limit between calls",
    15_000,
    async () => {
      // Processes end with their call, but a thread of the driver's survives it and can fork later.
      const left = await run(
        [
          "import os, threading, time",
          "def later():",
          "    time.sleep(0.3)",
          "    for _ in range(3):",
          "        if os.fork() == 0:",
          "            hog = b'x' * (150 * 1024**2)",
          "            time.sleep(30)",
          "            os._exit(0)",
          "threading.Thread(target=later, daemon=True).start()",
          "'left running'",
        ].join("\n"),
      );
      expect(left.result).toBe("'left running'");
      await new Promise((resolve) => setTimeout(resolve, 2000));
      const next = await call("6 * 7");
      expect((next.data as CodeData).result).toBe("42");
      expect((next.data as CodeData).stderr).toMatch(
        new RegExp(
          `session ended after the previous call \\(killed: its processes together used over ${sessionMemoryBytes} bytes`,
        ),
      );
    },
  );

  hostileCase("cannot create a user namespace", 10_000, async () => {
    const data = await run(
      [
        "import ctypes, os, subprocess",
        "libc = ctypes.CDLL(None, use_errno=True)",
        "CLONE_NEWUSER = 0x10000000",
        "direct = libc.unshare(CLONE_NEWUSER)",
        "tool = subprocess.run(['unshare', '-U', 'true'], capture_output=True).returncode",
        "direct, tool",
      ].join("\n"),
    );
    expect(data.error).toBeUndefined();
    const [direct, tool] = JSON.parse((data.result ?? "").replace("(", "[").replace(")", "]"));
    expect(direct).toBe(-1);
    expect(tool).not.toBe(0);
    await expectStillServes();
  });

  hostileCase(
    "mountinfo names no host path of the project, the driver or a temp folder",
    10_000,
    async () => {
      const data = await run("print(open('/proc/self/mountinfo').read())");
      expect(data.stdout).toContain(" /work ");
      expect(data.stdout).not.toContain(projectRoot);
      expect(data.stdout).not.toContain("/src/sandbox");
      expect(data.stdout).not.toMatch(/\/tmp\/\S/);
      await expectStillServes();
    },
  );

  hostileCase(
    "a FIFO, a socket or a symlink named like an image does not block the collector",
    10_000,
    async () => {
      const started = Date.now();
      const result = await call(
        [
          "import os, socket",
          "os.mkfifo('out.png')",
          "os.symlink('/dev/zero', 'zero.png')",
          "os.symlink('/usr/share/pixmaps', 'folder.png')",
          "listener = socket.socket(socket.AF_UNIX)",
          "listener.bind('/work/socket.png')",
          "'planted'",
        ].join("\n"),
      );
      const data = result.data as CodeData;
      expect(Date.now() - started).toBeLessThan(3000);
      expect(data.restarted).toBe(false);
      expect(data.result).toBe("'planted'");
      for (const name of ["out.png", "zero.png", "socket.png"]) {
        expect(data.stderr).toContain(`file ${name} skipped: not a regular file`);
      }
      expect(result.images).toHaveLength(0);
      await expectStillServes();
    },
  );

  hostileCase("cannot ptrace the sandbox's init or read its memory and environment", 10_000, async () => {
    const data = await run(
      [
        "import ctypes, os",
        "libc = ctypes.CDLL(None, use_errno=True)",
        "PTRACE_ATTACH, PTRACE_DETACH = 16, 17",
        "attached = libc.ptrace(PTRACE_ATTACH, 1, 0, 0)",
        "if attached == 0:",
        "    os.waitpid(1, 0)",
        "    libc.ptrace(PTRACE_DETACH, 1, 0, 0)",
        "opened = []",
        "for path in ['/proc/1/environ', '/proc/1/mem', '/proc/1/task/1/mem', '/proc/1/maps']:",
        "    try:",
        "        open(path, 'rb').close()",
        "        opened.append(path)",
        "    except OSError:",
        "        pass",
        "attached, opened",
      ].join("\n"),
    );
    expect(data.error).toBeUndefined();
    expect(data.result).toBe("(-1, [])");
    await expectStillServes();
  });

  hostileCase(
    "an image file whose header is valid and whose data is not never joins the run",
    10_000,
    async () => {
      const result = await call(
        [
          "import io, struct, zlib, numpy, PIL.Image, PIL.ImageFile",
          // The driver's own check is PIL's, which user code can relax: only the host's counts.
          "PIL.ImageFile.LOAD_TRUNCATED_IMAGES = True",
          "noise = PIL.Image.fromarray((numpy.random.default_rng(1).random((64, 64, 3)) * 255).astype('uint8'))",
          "buffer = io.BytesIO()",
          "noise.save(buffer, 'JPEG')",
          "open('truncated.jpg', 'wb').write(buffer.getvalue()[: len(buffer.getvalue()) // 2])",
          "buffer = io.BytesIO()",
          "noise.save(buffer, 'PNG')",
          "png = bytearray(buffer.getvalue())",
          "at = png.index(b'IDAT')",
          "length = struct.unpack('>I', png[at - 4 : at])[0]",
          "for index in range(at + 14, at + length - 6, 7):",
          "    png[index] ^= 0x5A",
          "png[at + 4 + length : at + 8 + length] = struct.pack('>I', zlib.crc32(bytes(png[at : at + 4 + length])))",
          "open('corrupt.png', 'wb').write(png)",
          "noise.save('good.png')",
          "'saved'",
        ].join("\n"),
      );
      const data = result.data as CodeData;
      expect(data.error).toBeUndefined();
      expect(result.images).toHaveLength(1);
      const notes = data.stderr.split("\n");
      const truncated = notes.filter((line) => line.includes("truncated.jpg"));
      const corrupt = notes.filter((line) => line.includes("corrupt.png"));
      expect(truncated).toHaveLength(1);
      expect(corrupt).toHaveLength(1);
      expect(truncated[0]).toMatch(/file truncated\.jpg dropped: its pixels do not decode \(.*JPEG.*\)/i);
      expect(corrupt[0]).toMatch(/file corrupt\.png dropped: its pixels do not decode \(.*png.*\)/i);
      await expectStillServes();
    },
  );

  hostileCase("notes about dropped images and the collector's scan are bounded", 20_000, async () => {
    const started = Date.now();
    const shown = await call(
      [
        "import PIL.Image",
        "for index in range(100_000):",
        "    show(PIL.Image.new('L', (1, 1), index % 250))",
      ].join("\n"),
    );
    expect(shown.images).toHaveLength(10);
    expect(shown.text.length).toBeLessThan(3000);
    expect((shown.data as CodeData).stderr).toMatch(
      /and 99985 more images were dropped: 99985 past the per-call limit/,
    );
    // Empty files named like images: each would be a note, and each a file to open.
    const saved = await call(
      ["for index in range(20_000):", "    open(f'empty-{index}.png', 'wb').close()", "'saved'"].join("\n"),
    );
    expect(saved.text.length).toBeLessThan(3000);
    expect((saved.data as CodeData).stderr).toMatch(/more images were dropped/);
    expect((saved.data as CodeData).stderr).toMatch(/stopped looking/);
    // Notes written by the code itself (it can reach the driver's globals) are capped by the host.
    const forged = await call(
      "import sys\nsys.modules['__main__'].current.notes.extend(['x' * 10_000] * 10_000)\n'forged'",
    );
    expect(forged.text.length).toBeLessThan(5000);
    expect(Date.now() - started).toBeLessThan(15_000);
    await run("import glob, os\nfor path in glob.glob('/work/empty-*'):\n    os.remove(path)");
    await expectStillServes();
  });
});
