import { z } from "zod";
import { headerSecret } from "./config-strings.js";

/**
 * What Loupe's network servers (`loupe mcp --http`, `loupe serve`) share: the bearer tokens a
 * client must send. With none, a server binds loopback only (apps/bind-policy.ts).
 */
export const serverConfigSchema = z.strictObject({
  /** Bearer tokens accepted in `Authorization: Bearer <key>`; LOUPE_API_KEYS (comma-separated) adds to them. */
  apiKeys: z.array(headerSecret()).default([]),
});
export type ServerConfig = z.infer<typeof serverConfigSchema>;
