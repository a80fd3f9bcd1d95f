import { formatConfigIssues } from "../core/config.js";
import { LoupeError } from "../core/errors.js";
import { Registry } from "../core/registry.js";
import { type PromptPack, promptPackSchema } from "./prompt-pack.js";

const promptPackRegistry = new Registry<PromptPack>("prompt pack");

/**
 * Adds a prompt pack under `name`, so `--prompt-pack NAME` (or `promptPackFile: NAME` in the
 * config) picks it as it would a file. The pack is checked against the same schema as a file's.
 */
export function registerPromptPack(
  name: string,
  pack: PromptPack,
  options: { replace?: boolean } = {},
): void {
  const parsed = promptPackSchema.safeParse(pack);
  if (!parsed.success) {
    throw new LoupeError("config", `Invalid prompt pack "${name}":\n${formatConfigIssues(parsed.error)}`);
  }
  promptPackRegistry.register(name, parsed.data, options);
}

/** The registered pack of that name; a name that is not registered is read as a file path. */
export function findPromptPack(name: string): PromptPack | undefined {
  return promptPackRegistry.get(name);
}

export function registeredPromptPackNames(): string[] {
  return promptPackRegistry.names();
}
