import type { Command } from "commander";

/**
 * The commands of `loupe`, as `loupe --help` lists them, and how to load each. A command's
 * module (and everything it imports: the agent, sharp, the sandbox, SQLite) is imported only when
 * that command runs or its own help is asked for, so `loupe --help` starts in a few tens of
 * milliseconds. `term` and `description` repeat what the command itself declares;
 * command-list.test.ts checks that they agree.
 */
export interface CommandEntry {
  name: string;
  /** The command's line in the list: name, options marker and arguments. */
  term: string;
  description: string;
  load(): Promise<Command>;
}

export const commandList: readonly CommandEntry[] = [
  {
    name: "ask",
    term: "ask [options] <question>",
    description: "ask a vision-language model a question about images; it may crop, zoom, enhance and more",
    load: async () => (await import("./ask-command.js")).askCommand(),
  },
  {
    name: "dialects",
    term: "dialects [options] [name]",
    description: "list dialects and model profiles with their values; NAME shows one with its prompt pack",
    load: async () => (await import("./dialects-command.js")).dialectsCommand(),
  },
  {
    name: "index",
    term: "index",
    description: "the offline search index: add pages and images, search, stats",
    load: async () => (await import("./index-command.js")).indexCommand(),
  },
  {
    name: "plan",
    term: "plan [options] <question>",
    description: "ask a planner for a plan of tool steps and print it; --execute runs it and answers",
    load: async () => (await import("./plan-command.js")).planCommand(),
  },
  {
    name: "replay",
    term: "replay [options] <trajectory>",
    description: "re-render a recorded run from its trajectory folder or trajectory.json",
    load: async () => (await import("./replay-command.js")).replayCommand(),
  },
  {
    name: "resume",
    term: "resume [options] <dir-or-id>",
    description:
      "go on with a run from its folder or the run store: after a crash, Ctrl-C or kill, a pause for approval, or with a follow-up question",
    load: async () => (await import("./resume-command.js")).resumeCommand(),
  },
  {
    name: "runs",
    term: "runs",
    description: "the run store: list, show, export, import and remove recorded runs",
    load: async () => (await import("./runs-command.js")).runsCommand(),
  },
  {
    name: "serve",
    term: "serve [options]",
    description: "serve Loupe over HTTP: an OpenAI-compatible model that thinks with images, and a run API",
    load: async () => (await import("../server/serve-command.js")).serveCommand(),
  },
  {
    name: "tools",
    term: "tools [options]",
    description: "list the tools a model can use, with their argument schemas",
    load: async () => (await import("./tools-command.js")).toolsCommand(),
  },
];

/**
 * The command an argument list runs, or whose help it asks for (`loupe help ask`): the first
 * argument that is not an option (`loupe` itself takes none with a value).
 */
export function commandNamed(args: readonly string[]): string | undefined {
  const operands = args.filter((arg) => !arg.startsWith("-"));
  return operands[0] === "help" ? operands[1] : operands[0];
}
