import { Command } from "commander";
import { type CommandOutput, processOutput } from "./command-output.js";
import { compareCommand } from "./compare-command.js";
import { fetchCommand } from "./fetch-command.js";
import { listCommand } from "./list-command.js";
import { reportCommand } from "./report-command.js";
import { runCommand } from "./run-command.js";

/**
 * `loupe eval`: benchmarks. Each subcommand lives in its own file beside this one; this file only
 * wires them (list, fetch; score and run are added the same way).
 */
export function evalCommand(output: CommandOutput = processOutput): Command {
  return new Command("eval")
    .description("benchmarks: list them, fetch their data")
    .addCommand(listCommand(output))
    .addCommand(fetchCommand(output))
    .addCommand(runCommand(output))
    .addCommand(reportCommand(output))
    .addCommand(compareCommand(output));
}
