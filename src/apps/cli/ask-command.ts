import { randomUUID } from "node:crypto";
import { join } from "node:path";
import { Command, Option } from "commander";
import { runAgent } from "../../agent/run-agent.js";
import { registeredDialectNames } from "../../core/dialect-names.js";
import { ImageSet } from "../../core/image-set.js";
import { loadInputImage } from "../../images/load-image.js";
import { TrajectoryFolder } from "../../store/trajectory-folder.js";
import { type ConfigFlags, loadConfig } from "./load-config.js";
import { runInFolder } from "./run-session.js";
import { addStoreOption, openRecordingStore } from "./store-option.js";

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
    .option(
      "--max-cost <usd>",
      "most US dollars the run's tokens may cost, at the model's price (config modelPrices)",
    )
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
  addStoreOption(command);
  return command.action(async (question: string, flags: AskFlags) => {
    process.exitCode = await ask(question, flags);
  });
}

async function ask(question: string, flags: AskFlags): Promise<number> {
  const config = await loadConfig(flags);
  const images = await Promise.all(flags.image.map((source) => loadInputImage(source, config.images)));
  const runId = randomUUID();
  const folder = new TrajectoryFolder(flags.out ?? defaultRunFolder(runId));
  return runInFolder({
    config,
    folder,
    store: await openRecordingStore(config.store),
    imageSet: new ImageSet(),
    flags,
    start: (parts) => runAgent({ ...parts, question, images, runId }),
  });
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** Where a run's folder goes without --out: runs/<time>-<first 8 characters of the id>. */
export function defaultRunFolder(runId: string): string {
  return join("runs", `${timestamp()}-${runId.slice(0, 8)}`);
}

function timestamp(): string {
  return new Date().toISOString().replace(/[-:]/g, "").replace(/\..*/, "").replace("T", "-");
}
