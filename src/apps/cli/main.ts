#!/usr/bin/env node
import { Command, Help } from "commander";
import pc from "picocolors";
import { commandList, commandNamed } from "./command-list.js";
import { describeFailure } from "./describe-failure.js";
import { exitCodes } from "./exit-codes.js";

/**
 * The `loupe` program for an argument list: the command it runs is loaded in full; the others
 * are entries with their name and description only, enough for `loupe --help`.
 */
export async function createProgram(args: readonly string[] = process.argv.slice(2)): Promise<Command> {
  const wanted = commandNamed(args);
  const program = new Command("loupe")
    .description(
      "Vision-language models that think with images: crop, zoom, enhance, run code, search, answer.",
    )
    .version("0.1.0");
  const terms = new Map<Command, string>();
  for (const entry of commandList) {
    if (entry.name === wanted) {
      program.addCommand(await entry.load());
      continue;
    }
    const listed = new Command(entry.name).description(entry.description);
    terms.set(listed, entry.term);
    program.addCommand(listed);
  }
  const help = new Help();
  program.configureHelp({ subcommandTerm: (command) => terms.get(command) ?? help.subcommandTerm(command) });
  return program;
}

// `loupe replay run | head` closes stdout early; that is the reader's choice, not an error.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EPIPE") process.exit(0);
  throw error;
});

try {
  await (await createProgram()).parseAsync(process.argv);
} catch (error) {
  const { message, hint, exitCode } = describeFailure(error);
  process.stderr.write(`${pc.red(`loupe: ${message}`)}\n`);
  if (hint) process.stderr.write(`${hint}\n`);
  // A stack trace is for Loupe's developers, never the answer to a user's mistake.
  if (exitCode === exitCodes.internal && process.env.LOUPE_DEBUG && error instanceof Error && error.stack)
    process.stderr.write(`${pc.dim(error.stack)}\n`);
  process.exitCode = exitCode;
}
