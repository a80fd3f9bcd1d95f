/** Where an eval subcommand's output goes; tests pass collectors, the CLI the process streams. */
export interface CommandOutput {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

export const processOutput: CommandOutput = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};
