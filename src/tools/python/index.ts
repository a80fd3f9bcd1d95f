import { z } from "zod";
import { describeError, isLoupeError } from "../../core/errors.js";
import type { AnyTool, RecordedToolCall, ToolResult } from "../../core/tool.js";
import type { ToolOutputData } from "../../core/tool-output.js";
import type { SandboxLimits } from "../../sandbox/sandbox-limits.js";
import { SandboxPool } from "../../sandbox/sandbox-pool.js";
import { PythonKernel } from "./python-kernel.js";
import { renderCodeResult } from "./render-code-result.js";

export { renderCodeResult } from "./render-code-result.js";

export interface PythonToolOptions {
  /** Debian's python3 with PIL, numpy, matplotlib, OpenCV and SciPy (not a pyenv shim). */
  pythonPath?: string;
  bwrapPath?: string;
  limits?: Partial<SandboxLimits>;
  /** Share one pool (warm sessions, concurrency limits) between tools; made on first use if absent. */
  pool?: SandboxPool;
}

const kernelKey = "python-kernel";
/** Cells of earlier steps a resumed run re-runs, silently, before its first call (see restore). */
const replayKey = "python-replay";

const description = [
  "Runs Python 3 in a sandboxed, stateful session (like a notebook: variables and imports persist across calls).",
  "PIL, numpy, OpenCV (cv2), matplotlib and SciPy are available; there is no network.",
  "The run's images are preloaded as PIL images named image_1, image_2, ... and saved as files image_1.png (or .jpg, ...) in the working directory.",
  "To return images, call show(img) (PIL image, numpy array, figure or file path), call plt.show(), or save an image file in the working directory; at most 10 images per call.",
  "Printed output and the value of the last expression are returned.",
].join(" ");

/** The `python` tool: model-written Python run for real in a bubblewrap sandbox. */
export function pythonTool(options: PythonToolOptions = {}): AnyTool {
  let pool = options.pool;
  const getPool = () => {
    pool ??= new SandboxPool({
      pythonPath: options.pythonPath,
      bwrapPath: options.bwrapPath,
      limits: options.limits,
    });
    return pool;
  };
  return {
    name: "python",
    description,
    parameters: z.object({
      code: z.string().min(1).describe("Python code to run. End with an expression to see its value."),
    }),
    async execute(args: { code: string }, context): Promise<ToolResult> {
      const { code } = args;
      const sandbox = getPool();
      const missing = sandbox.unavailableReason();
      if (missing) return { text: `Error: ${missing}`, images: [], isError: true };
      let kernel = context.state.get(kernelKey) as PythonKernel | undefined;
      if (!kernel) {
        kernel = new PythonKernel(sandbox, { replay: context.state.get(replayKey) as string[] | undefined });
        context.state.set(kernelKey, kernel);
      }
      let outcome: Awaited<ReturnType<PythonKernel["run"]>>;
      try {
        outcome = await kernel.run(code, context);
      } catch (error) {
        if (context.signal.aborted) throw error;
        const hint = isLoupeError(error) && error.hint ? `\n${error.hint}` : "";
        return { text: `Error: ${describeError(error)}${hint}`, images: [], isError: true };
      }
      const stderr = [outcome.stderr, ...outcome.notes.map((note) => `[loupe] ${note}`)]
        .filter(Boolean)
        .join("\n");
      const data: ToolOutputData = {
        kind: "code",
        stdout: outcome.stdout,
        stderr,
        result: outcome.result,
        error: outcome.error,
        restarted: outcome.restarted,
      };
      return {
        text: renderCodeResult(data, outcome.images),
        images: outcome.images,
        data,
        isError: outcome.restarted,
      };
    },
    restore(calls, state) {
      state.set(replayKey, cellsToReplay(calls));
    },
    dispose(state) {
      const kernel = state.get(kernelKey) as PythonKernel | undefined;
      kernel?.dispose();
      state.delete(kernelKey);
    },
  };
}

/**
 * The cells whose effects the session held when the run stopped: every call that ran (an error
 * raised midway still ran what came before it), from just after the last one that restarted the
 * session (its variables were lost then). Refused calls never ran and have no code result.
 */
function cellsToReplay(calls: readonly RecordedToolCall[]): string[] {
  let cells: string[] = [];
  for (const call of calls) {
    const data = call.data as ToolOutputData | undefined;
    const code = (call.arguments as { code?: unknown } | undefined)?.code;
    if (data?.kind !== "code" || typeof code !== "string") continue;
    if (data.restarted) cells = [];
    else cells.push(code);
  }
  return cells;
}
