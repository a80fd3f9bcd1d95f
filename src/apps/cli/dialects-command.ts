import { Command } from "commander";
import pc from "picocolors";
import { stringify as toYaml } from "yaml";
import { registeredDialectNames } from "../../core/dialect-names.js";
import { LoupeError } from "../../core/errors.js";
import type { Dialect } from "../../dialects/dialect.js";
import { findProfile, flattenSettings, type ModelProfile, profilesOf } from "../../dialects/profiles.js";
import { getDialect } from "../../dialects/registry.js";

/**
 * `loupe dialects`: every dialect with its profiles (what each model was trained under) and their
 * values; `loupe dialects NAME` shows one dialect or profile in full, with the dialect's default
 * prompt pack as YAML, a starting point for a pack of one's own.
 */
export function dialectsCommand(): Command {
  return new Command("dialects")
    .description("list dialects and model profiles with their values; NAME shows one with its prompt pack")
    .argument("[name]", "a dialect or a profile")
    .option("--json", "print as JSON")
    .action((name: string | undefined, flags: { json?: boolean }) => {
      const write = (text: string) => process.stdout.write(text);
      if (name === undefined) {
        const all = registeredDialectNames().map((dialect) => ({ dialect, profiles: profilesOf(dialect) }));
        if (flags.json) {
          write(`${JSON.stringify(all, null, 2)}\n`);
          return;
        }
        for (const { dialect, profiles } of all) {
          write(`${pc.bold(dialect)}\n`);
          profiles.forEach((profile, index) => {
            writeProfile(write, profile, index === 0);
          });
        }
        write(
          pc.dim(
            "\n`loupe dialects NAME` shows one with its default prompt pack; --profile NAME picks one.\n",
          ),
        );
        return;
      }
      const profile = findProfile(name);
      const dialectName = profile?.dialect ?? registeredDialectNames().find((known) => known === name);
      if (!dialectName) {
        throw new LoupeError("config", `No dialect or profile named "${name}". See \`loupe dialects\`.`);
      }
      const dialect = getDialect(dialectName);
      const shown = profile ? [profile] : profilesOf(dialectName);
      if (flags.json) {
        const listing = {
          dialect: dialectName,
          profiles: shown,
          defaultTools: dialect.defaultTools,
          pack: dialect.pack,
        };
        write(`${JSON.stringify(listing, null, 2)}\n`);
        return;
      }
      write(
        `${pc.bold(dialectName)}  tools: ${toolsInWords(dialect.supportedTools)} (default: ${defaultsInWords(dialect.defaultTools)})\n`,
      );
      for (const entry of shown) writeProfile(write, entry, entry === profilesOf(dialectName)[0]);
      write(
        `\n${pc.bold("Default prompt pack")} ${pc.dim("(Loupe's wording; --prompt-pack FILE replaces any field)")}\n`,
      );
      write(toYaml({ dialect: dialectName, ...dialect.pack }, { lineWidth: 0 }));
    });
}

function writeProfile(write: (text: string) => void, profile: ModelProfile, isDefault: boolean): void {
  write(`  ${pc.cyan(profile.name)}${isDefault ? pc.dim(" (default)") : ""}  ${profile.description}\n`);
  write(pc.dim(`    source: ${profile.source}\n`));
  for (const [key, value] of flattenSettings(profile.settings)) write(`    ${key} = ${value}\n`);
}

function toolsInWords(tools: Dialect["supportedTools"]): string {
  return tools === "any" ? "any registered tool" : tools.join(", ");
}

function defaultsInWords(tools: Dialect["defaultTools"]): string {
  return "kinds" in tools ? `every ${tools.kinds.join(" and ")} tool` : tools.join(", ");
}
