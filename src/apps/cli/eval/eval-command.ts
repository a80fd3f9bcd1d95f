import { Command } from "commander";
import { checkCommand } from "./check-command.js";
import { type CommandOutput, processOutput } from "./command-output.js";
import { compareCommand } from "./compare-command.js";
import { fetchCommand } from "./fetch-command.js";
import { listCommand } from "./list-command.js";
import { reportCommand } from "./report-command.js";
import { runCommand } from "./run-command.js";
import { scoreCommand } from "./score-command.js";

/**
 * `loupe eval`: benchmarks. Each subcommand lives in its own file beside this one; this file only
 * wires them.
 */
export function evalCommand(output: CommandOutput = processOutput): Command {
  return new Command("eval")
    .description(
      "benchmarks: list them, fetch their data, check a data file, score predictions, run, report and compare evaluations",
    )
    .addCommand(listCommand(output))
    .addCommand(fetchCommand(output))
    .addCommand(checkCommand(output))
    .addCommand(scoreCommand(output))
    .addCommand(runCommand(output))
    .addCommand(reportCommand(output))
    .addCommand(compareCommand(output));
}
