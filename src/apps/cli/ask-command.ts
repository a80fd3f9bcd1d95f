import { randomUUID } from "node:crypto";
import { join, relative } from "node:path";
import { Command, Option } from "commander";
import { runAgent } from "../../agent/run-agent.js";
import { createRunParts } from "../../api/run-parts.js";
import { registeredDialectNames } from "../../core/dialect-names.js";
import { describeError, LoupeError } from "../../core/errors.js";
import { ImageSet } from "../../core/image-set.js";
import { TrajectoryFolder } from "../../store/trajectory-folder.js";
import { loadInputImage } from "../../tools/image/load-image.js";
import { createEventRenderer } from "./event-renderer.js";
import { exitCodes } from "./exit-codes.js";
import { type ConfigFlags, loadConfig } from "./load-config.js";
import { runExitCode, type StopSignal } from "./run-exit-code.js";

interface AskFlags extends ConfigFlags {
  image: string[];
  json?: boolean;
  out?: string;
  quiet?: boolean;
}

/** Model and run flags shared by every command that runs the agent. */
export function addRunOptions(command: Command): Command {
  return command
    .option("--config <file>", "config file (default ./loupe.config.json when present)")
    .option(
      "--base-url <url>",
      "OpenAI-compatible base URL, e.g. http://127.0.0.1:8000/v1 (env LOUPE_BASE_URL)",
    )
    .option("--model <name>", "model name as the server knows it (env LOUPE_MODEL)")
    .option("--api-key <key>", "API key (env LOUPE_API_KEY or OPENAI_API_KEY)")
    .option("--dialect <name>", registeredDialectNames().join(" | "))
    .option("--profile <name>", "the model profile: what it was trained under (see `loupe dialects`)")
    .option(
      "--prompt-pack <name-or-file>",
      "a registered prompt pack, or a file (YAML or JSON), with the texts the model reads",
    )
    .option("--tools <names>", "comma-separated tools to enable (default: the dialect's); see `loupe tools`")
    .option("--system-prompt-file <file>", "replace the dialect's system prompt with this file's text")
    .option("--max-steps <n>", "most model turns before a final answer is requested")
    .option("--max-tool-calls <n>", "most tool calls in the run")
    .option("--max-tokens <n>", "most prompt+completion tokens in the run")
    .option("--time-limit <seconds>", "wall-time budget of the run")
    .option("--temperature <t>", "sampling temperature")
    .option("--top-p <p>", "nucleus sampling")
    .option("--max-output-tokens <n>", "max_tokens per model turn")
    .option("--extra-body <json>", "extra request fields, e.g. '{\"top_k\": 20}'")
    .addOption(new Option("--no-stream", "ask for whole responses instead of streaming"))
    .addOption(
      new Option(
        "--response <kind>",
        "turn: one model turn per request; transcript: a hosted agent (Skywork's R1V4 API) returns the whole run",
      ).choices(["turn", "transcript"]),
    );
}

export function askCommand(): Command {
  const command = new Command("ask")
    .description("ask a vision-language model a question about images; it may crop, zoom, enhance and more")
    .argument("<question>", "the question")
    .option("-i, --image <path-or-url>", "an input image (repeat for several)", collect, [])
    .option("--json", "print the trajectory as JSON on stdout")
    .option("-o, --out <dir>", "folder for trajectory.json and images (default runs/<time>-<id>)")
    .option("-q, --quiet", "print only the answer");
  addRunOptions(command);
  return command.action(async (question: string, flags: AskFlags) => {
    process.exitCode = await ask(question, flags);
  });
}

async function ask(question: string, flags: AskFlags): Promise<number> {
  const config = await loadConfig(flags);
  const images = await Promise.all(flags.image.map((source) => loadInputImage(source, config.images)));
  const { model, dialect, tools, systemPrompt, close } = await createRunParts(config);
  const runId = randomUUID();
  const folder = new TrajectoryFolder(flags.out ?? join("runs", `${timestamp()}-${runId.slice(0, 8)}`));
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
  try {
    const pendingWrites: Promise<unknown>[] = [];
    const imageSet = new ImageSet();
    let checkpointFailed = false;
    const { trajectory, images: runImages } = await runAgent({
      question,
      images,
      config,
      model,
      dialect,
      tools,
      systemPrompt,
      signal: controller.signal,
      runId,
      // trajectory.json is rewritten (atomically) after every step, so a killed run keeps its steps.
      onCheckpoint: async (checkpoint) => {
        try {
          await Promise.all(pendingWrites);
          await folder.write(checkpoint, imageSet);
        } catch (error) {
          if (!checkpointFailed)
            write(`warning: cannot write the run's checkpoint: ${describeError(error)}\n`);
          checkpointFailed = true;
        }
      },
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
    if (flags.json) process.stdout.write(`${JSON.stringify(trajectory, null, 2)}\n`);
    // On a terminal the renderer has shown the answer; stdout carries it for pipes and --quiet.
    else if (trajectory.answer !== undefined && (flags.quiet || !process.stdout.isTTY)) {
      process.stdout.write(`${trajectory.answer}\n`);
    }
    if (!flags.quiet) write(`trajectory: ${relative(process.cwd(), path)}\n`);
    const { code, reason } = runExitCode(trajectory, stoppedBy);
    // Shown with --quiet too: the one line that tells a script's reader why there is no answer.
    if (reason !== undefined) process.stderr.write(`loupe: ${reason}\n`);
    return code;
  } finally {
    process.off("SIGINT", onStopSignal);
    process.off("SIGTERM", onStopSignal);
    await close();
  }
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function timestamp(): string {
  return new Date().toISOString().replace(/[-:]/g, "").replace(/\..*/, "").replace("T", "-");
}
