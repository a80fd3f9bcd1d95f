// The built-in dialects and their profiles register themselves on import.
import "./builtin-dialects.js";

export {
  type DialectFactory,
  getDialect,
  listDialects,
  type RegisterDialectOptions,
  registerDialect,
} from "./dialect-registry.js";
