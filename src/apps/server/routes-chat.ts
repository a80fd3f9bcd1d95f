import type { Hono } from "hono";
import type { Trajectory } from "../../core/trajectory.js";
import { ApiError } from "./api-error.js";
import { completionBody, completionChunks, type RunLink, runFailure } from "./chat-completions.js";
import { parseChatRequest } from "./chat-messages.js";
import { readJson } from "./request-body.js";
import { loadRequestImages } from "./request-images.js";
import type { ServerContext, ServerEnv } from "./server-app.js";
import { errorResponse, newRunId, runUrl } from "./server-app.js";
import { sseBody, sseHeaders } from "./sse-stream.js";

/** `GET /v1/models` and `POST /v1/chat/completions`: Loupe as an OpenAI-compatible model. */
export function chatRoutes(app: Hono<ServerEnv>, context: ServerContext): void {
  const { launcher, config, metrics } = context;

  app.get("/v1/models", (c) =>
    c.json({
      object: "list",
      data: launcher.modelNames().map((id) => ({ id, object: "model", created: 0, owned_by: "loupe" })),
    }),
  );

  app.post("/v1/chat/completions", async (c) => {
    const request = parseChatRequest(await readJson(c));
    const caller = c.get("caller");
    const release = launcher.reserve(caller);
    let run: Awaited<ReturnType<typeof launcher.start>>;
    try {
      const runConfig = await launcher.configFor(request.choices);
      const images = await loadRequestImages(request.images, runConfig.images, {
        allowPrivateAddresses: config.server.allowPrivateImageUrls,
      });
      run = await launcher.start(
        {
          question: request.question,
          images,
          config: runConfig,
          mode: request.choices.mode,
          caller,
          release,
        },
        newRunId(),
      );
    } catch (error) {
      release();
      throw error;
    }
    const link: RunLink = { run_id: run.id, run_url: runUrl(c, config, run.id) };
    const headers = { "x-loupe-run-id": link.run_id, "x-loupe-run-url": link.run_url };
    const model = request.model ?? config.model.name;
    if (request.stream) {
      const stop = new AbortController();
      const chunks = completionChunks(run, {
        model,
        link,
        includeUsage: request.includeUsage,
        signal: stop.signal,
      });
      return new Response(sseBody(chunks, stop), { headers: { ...sseHeaders, ...headers } });
    }
    // The client waiting here may go away; the run does not depend on it.
    await run.settled;
    const { trajectory } = run;
    const failure = trajectory ? runFailure(trajectory, link) : startFailure(run.failure, link);
    if (failure) {
      for (const [name, value] of Object.entries(headers)) c.header(name, value);
      return errorResponse(c, failure, metrics);
    }
    return c.json(completionBody(run, trajectory as Trajectory, model, link), 200, headers);
  });
}

function startFailure(failure: { code: string; message: string } | undefined, link: RunLink): ApiError {
  return new ApiError(
    500,
    "server_error",
    failure?.code ?? "internal",
    `The run could not start: ${failure?.message ?? "unknown error"} (run ${link.run_id}).`,
  );
}
