import { startModelServer } from "/work/wt-server/src/testing/model-server.js";
const server = await startModelServer((request) => {
  const text = JSON.stringify(request.body.messages);
  if (!text.includes('"role":"tool"'))
    return { reasoning: "The sign is small; crop the top left.", toolCalls: [{ name: "crop", arguments: { image: "image_1", box: [0, 0, 32, 24] } }], usage: { prompt_tokens: 812, completion_tokens: 41 } };
  return { reasoning: "The crop shows the word EXIT.", content: "The sign says EXIT.", usage: { prompt_tokens: 1104, completion_tokens: 17 } };
});
console.log(server.baseUrl);
setInterval(() => {}, 1000);
