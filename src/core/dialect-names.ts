import { z } from "zod";
import { Registry } from "./registry.js";

/**
 * The names of the registered dialects, kept in core so the config schema can check a dialect
 * name when it parses (core imports nothing above it). `registerDialect` in dialects/ adds each
 * name here along with its factory; importing Loupe's dialects registers the built-in ones.
 */
export const dialectNameRegistry = new Registry<true>("dialect");

export function registeredDialectNames(): string[] {
  return dialectNameRegistry.names();
}

/** A dialect name field: any string that names a registered dialect; the error lists them. */
export function dialectNameSchema(): z.ZodType<string> {
  return z.string().superRefine((name, context) => {
    if (!dialectNameRegistry.has(name)) {
      context.addIssue({ code: "custom", message: dialectNameRegistry.unknownMessage(name) });
    }
  });
}
