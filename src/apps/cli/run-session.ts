import { relative } from "node:path";
import type { ChatModel } from "../../agent/chat-model.js";
import type { RunResult } from "../../agent/run-options.js";
import { createRunParts } from "../../api/run-parts.js";
import type { LoupeConfig } from "../../core/config.js";
import { describeError, LoupeError } from "../../core/errors.js";
import type { RunEventListener } from "../../core/events.js";
import type { ImageSet } from "../../core/image-set.js";
import type { RunCheckpoint, RunCheckpointStore } from "../../core/run-checkpoint.js";
import type { RunStore } from "../../core/run-store.js";
import type { AnyTool } from "../../core/tool.js";
import type { Trajectory } from "../../core/trajectory.js";
import type { Dialect } from "../../dialects/dialect.js";
import { FolderCheckpointStore } from "../../store/checkpoint-folder.js";
import { CheckpointTargets } from "../../store/checkpoint-targets.js";
import type { TrajectoryFolder } from "../../store/trajectory-folder.js";
import { createEventRenderer } from "./event-renderer.js";
import { exitCodes } from "./exit-codes.js";
import { runExitCode, type StopSignal } from "./run-exit-code.js";

/** What the output flags of `loupe ask` and `loupe resume` ask for. */
export interface OutputFlags {
  json?: boolean;
  quiet?: boolean;
}

/** Everything a run started from the CLI is handed, fresh or resumed. */
export interface SessionParts {
  config: LoupeConfig;
  model: ChatModel;
  dialect: Dialect;
  tools: AnyTool[];
  systemPrompt?: string;
  signal: AbortSignal;
  /** The run folder and the run store (when there is one), each saved at every checkpoint. */
  checkpointStore: RunCheckpointStore;
  onEvent: RunEventListener;
  imageSet: ImageSet;
}

/**
 * Runs the agent for a CLI command in a trajectory folder: builds the dialect, model, tools and
 * renderer, stops the run on Ctrl-C or SIGTERM, writes every checkpoint and produced image as it
 * comes (to the folder and to the run store, when given), writes the final trajectory, prints the
 * answer and returns the exit code. The store is closed at the end.
 */
export async function runInFolder(options: {
  config: LoupeConfig;
  folder: TrajectoryFolder;
  store?: RunStore | undefined;
  imageSet: ImageSet;
  flags: OutputFlags;
  start: (parts: SessionParts) => Promise<RunResult>;
}): Promise<number> {
  const { config, folder, store, imageSet, flags } = options;
  const { model, dialect, tools, systemPrompt, close } = await createRunParts(config);
  const write = (text: string) => process.stderr.write(text);
  const render = createEventRenderer({
    write: flags.quiet ? () => {} : write,
    imagePath: (image) => relative(process.cwd(), folder.imagePath(image)),
  });

  // Ctrl-C and SIGTERM (as `timeout` and service managers send) stop the run the same way: the
  // step in progress ends, the partial trajectory is written. A second signal quits at once.
  const controller = new AbortController();
  let stoppedBy: StopSignal | undefined;
  const onStopSignal = (signal: StopSignal) => {
    const code = signal === "SIGTERM" ? exitCodes.terminated : exitCodes.interrupted;
    if (controller.signal.aborted) process.exit(code);
    stoppedBy = signal;
    write(
      signal === "SIGTERM"
        ? "\nterminated: stopping and saving the partial trajectory\n"
        : "\ninterrupted: stopping and saving the partial trajectory (Ctrl-C again to quit now)\n",
    );
    const message = signal === "SIGTERM" ? "Terminated (SIGTERM)." : "Interrupted by the user.";
    controller.abort(new LoupeError("cancelled", message));
  };
  process.on("SIGINT", onStopSignal);
  process.on("SIGTERM", onStopSignal);
  const folderTarget = warnOnFailure(new FolderCheckpointStore(folder), "the run's checkpoint", write);
  const storeTarget = store && warnOnFailure(store, "the run to the run store", write);
  try {
    const pendingWrites: Promise<unknown>[] = [];
    const { trajectory, images: runImages } = await options.start({
      config,
      model,
      dialect,
      tools,
      systemPrompt,
      signal: controller.signal,
      // trajectory.json is rewritten (atomically) after every step and finished tool call, and the
      // store's copy replaced, so a killed run keeps its steps in both.
      checkpointStore: new CheckpointTargets(storeTarget ? [folderTarget, storeTarget] : [folderTarget]),
      onEvent: (event) => {
        // Produced images go to disk as they appear, so an interrupted run keeps them.
        if (event.type === "tool-call-end") {
          for (const image of event.images)
            pendingWrites.push(folder.writeImage(image, imageSet.bytes(image.id)));
        }
        render(event);
      },
      imageSet,
    });
    await Promise.all(pendingWrites);
    const path = await folder.write(trajectory, runImages);
    await storeTarget?.save({ trajectory, images: runImages });
    if (flags.json) process.stdout.write(`${JSON.stringify(trajectory, null, 2)}\n`);
    // On a terminal the renderer has shown the answer; stdout carries it for pipes and --quiet.
    else if (trajectory.answer !== undefined && (flags.quiet || !process.stdout.isTTY)) {
      process.stdout.write(`${trajectory.answer}\n`);
    }
    if (!flags.quiet) write(`trajectory: ${relative(process.cwd(), path)}\n`);
    const { code, reason } = runExitCode(trajectory, stoppedBy, relative(process.cwd(), folder.dir) || ".");
    // Shown with --quiet too: the one line that tells a script's reader why there is no answer.
    if (reason !== undefined) process.stderr.write(`loupe: ${reason}\n`);
    return code;
  } finally {
    process.off("SIGINT", onStopSignal);
    process.off("SIGTERM", onStopSignal);
    await close();
    await store?.close();
  }
}

/**
 * A checkpoint target whose failures warn once and let the run go on: a full disk or a store
 * that went away must not cost the run itself.
 */
function warnOnFailure(
  target: RunCheckpointStore,
  what: string,
  write: (text: string) => void,
): RunCheckpointStore {
  let failed = false;
  return {
    async save(checkpoint: RunCheckpoint) {
      try {
        await target.save(checkpoint);
      } catch (error) {
        if (!failed) write(`warning: cannot write ${what}: ${describeError(error)}\n`);
        failed = true;
      }
    },
    load: (runId) => target.load(runId),
  };
}
