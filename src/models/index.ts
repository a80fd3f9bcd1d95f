export { ChatClient, type ChatClientOptions, type ChatRequest } from "./chat-client.js";
export {
  type DiscoveredModel,
  defaultLocalCandidates,
  discoverLocalModel,
  type LocalModelCandidate,
  noModelConfiguredMessage,
} from "./discover-local-model.js";
export { type FinalizeOptions, finalizeOutput, normalizeFinishReason } from "./finalize-output.js";
export {
  classifyModelFailure,
  type FailureContext,
  type ModelFailure,
  StreamDroppedError,
} from "./model-failure.js";
export { type RawTurn, rawTurnFromCompletion } from "./raw-turn.js";
export { defaultRetryPolicy, parseRetryAfter, type RetryPolicy, retryDelayMs } from "./retry-policy.js";
export { SerializedMessages, serializeMessage } from "./serialized-messages.js";
export {
  parseSkyworkTranscript,
  type SkyworkAction,
  type SkyworkStep,
  type SkyworkTranscript,
} from "./skywork-transcript.js";
export { detectStopSequence, inferUnclosedTagStop, restoreStopSequence } from "./stop-restore.js";
export { StreamAccumulator } from "./stream-accumulator.js";
export { splitThinking, ThinkStreamRouter } from "./think-split.js";
