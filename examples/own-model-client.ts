// Runs the agent loop with a model client of your own: anything with `model` and `complete()`
// (the ChatModel interface) — another SDK, a local library, a cache of recorded replies. This
// one is a rule: zoom into the top right of the first image, then answer. No server is involved.
//   node --import tsx examples/own-model-client.ts
import {
  type ChatModel,
  createToolbox,
  getDialect,
  loadImages,
  type ModelOutput,
  plainMessages,
  resolveConfig,
  runAgent,
  selectTools,
} from "loupe";

const usage = { promptTokens: 0, completionTokens: 0 };
const ruleModel: ChatModel = {
  model: "zoom-then-answer",
  async complete(request): Promise<ModelOutput> {
    // The agent sends messages already serialized; plainMessages reads them as objects.
    const images = plainMessages(request.messages).filter((message) => message.role === "tool").length;
    if (images === 0) {
      const args = JSON.stringify({ image: "image_1", box: [0.5, 0, 1, 0.5], coordinates: "fraction" });
      return {
        content: "",
        toolCalls: [{ id: "call_1", name: "crop", arguments: args }],
        finishReason: "tool_calls",
        usage,
      };
    }
    return {
      content: "I zoomed into the top right: there is a red and white sign.",
      toolCalls: [],
      finishReason: "stop",
      usage,
    };
  },
};

// The loop reads the model section's limits (timeouts, image transport) and the trajectory
// records its base URL and name; requests go wherever your client sends them.
const config = await resolveConfig({ model: { baseUrl: "http://127.0.0.1/unused", name: ruleModel.model } });
const dialect = getDialect(config.dialect, { options: config.dialectOptions });
// Loupe's tools, of which this run enables crop; close() releases what they hold.
const toolbox = createToolbox(config);
try {
  const { trajectory } = await runAgent({
    question: "What is in the top right corner?",
    images: await loadImages([new URL("./street.png", import.meta.url)], config.images),
    config,
    model: ruleModel,
    dialect,
    tools: selectTools(toolbox, ["crop"], dialect),
  });
  console.log(`steps: ${trajectory.steps.length}, answer (${trajectory.stopReason}): ${trajectory.answer}`);
} finally {
  await toolbox.close();
}
