/**
 * `loupe/testing`: what Loupe's own tests use in place of a model, for testing agents built on
 * Loupe the same way. A real HTTP server on 127.0.0.1 speaking OpenAI chat completions, replying
 * what the test scripts.
 *
 * @packageDocumentation
 * @module loupe/testing
 */
export {
  type ModelScript,
  type ModelServer,
  type RecordedRequest,
  type ScriptedCompletion,
  type ScriptedEndlessReply,
  type ScriptedError,
  type ScriptedEventStream,
  type ScriptedRawReply,
  type ScriptedReply,
  type ScriptedToolCall,
  startModelServer,
  TEST_MODEL_ID,
} from "./model-server.js";
