import type { ModelOutput } from "../core/model-output.js";
import type { ChatRequest } from "../models/chat-client.js";

export type ChatModelRequest = ChatRequest;

/** What the loop needs from a model client: models/ChatClient, or anything with the same method. */
export interface ChatModel {
  readonly model: string;
  complete(request: ChatRequest): Promise<ModelOutput>;
}
