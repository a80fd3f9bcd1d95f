#!/usr/bin/env node
import { Command } from "commander";
import pc from "picocolors";
import { askCommand } from "./ask-command.js";
import { describeFailure } from "./describe-failure.js";
import { dialectsCommand } from "./dialects-command.js";
import { exitCodes } from "./exit-codes.js";
import { indexCommand } from "./index-command.js";
import { replayCommand } from "./replay-command.js";
import { resumeCommand } from "./resume-command.js";
import { toolsCommand } from "./tools-command.js";

export function createProgram(): Command {
  return new Command("loupe")
    .description(
      "Vision-language models that think with images: crop, zoom, enhance, run code, search, answer.",
    )
    .version("0.1.0")
    .addCommand(askCommand())
    .addCommand(dialectsCommand())
    .addCommand(indexCommand())
    .addCommand(replayCommand())
    .addCommand(resumeCommand())
    .addCommand(toolsCommand());
}

// `loupe replay run | head` closes stdout early; that is the reader's choice, not an error.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EPIPE") process.exit(0);
  throw error;
});

try {
  await createProgram().parseAsync(process.argv);
} catch (error) {
  const { message, hint, exitCode } = describeFailure(error);
  process.stderr.write(`${pc.red(`loupe: ${message}`)}\n`);
  if (hint) process.stderr.write(`${hint}\n`);
  // A stack trace is for Loupe's developers, never the answer to a user's mistake.
  if (exitCode === exitCodes.internal && process.env.LOUPE_DEBUG && error instanceof Error && error.stack)
    process.stderr.write(`${pc.dim(error.stack)}\n`);
  process.exitCode = exitCode;
}
