import type { ModelProfile } from "./profile-registry.js";

const qwen25View = {
  strategy: "smart-resize",
  factor: 28,
  minPixels: 4 * 28 * 28,
  maxPixels: 16384 * 28 * 28,
} as const;
/** Qwen3-VL: 16-px patches merged 2x2, between 256x256 and 4096x4096 pixels. */
const qwen3View = { strategy: "smart-resize", factor: 32, minPixels: 65_536, maxPixels: 16_777_216 } as const;

/**
 * Loupe's own profiles, registered with their dialects; the first of each dialect is its default.
 * Turn limits: upstream's N generations are `maxSteps` N-1 plus Loupe's final-answer turn (which
 * runs no tool, as upstream's last generation gets no result).
 */
export const builtInProfiles: readonly ModelProfile[] = [
  {
    name: "generic",
    dialect: "native",
    description: "Any model with native function calling; Loupe's own defaults.",
    source: "Loupe",
    settings: {},
  },
  {
    name: "qwen2.5-vl",
    dialect: "native",
    description: "Qwen2.5-VL: boxes in absolute pixels of the resized image it was shown.",
    source: "Qwen2.5-VL technical report; qwen_vl_utils smart_resize",
    settings: { images: { modelView: qwen25View }, dialectOptions: { boxCoordinates: "view" } },
  },
  {
    name: "qwen3-vl",
    dialect: "native",
    description: "Qwen3-VL: boxes as integers 0..1000 of each side.",
    source: "Qwen3-VL model card; preprocessor_config.json (patch 16, merge 2)",
    settings: { images: { modelView: qwen3View }, dialectOptions: { boxCoordinates: "qwen1000" } },
  },
  {
    name: "r1v4",
    dialect: "skywork-r1v4",
    description: "Skywork-R1V4 (Qwen3-VL-30B-A3B) in think-with-images and deep research mode.",
    source: "SkyworkAI/Skywork-R1V r1v4 (first release's request scripts: temperature 0.2, max_tokens 8192)",
    settings: {
      images: { modelView: qwen3View },
      model: { temperature: 0.2, maxTokens: 8192 },
      dialectOptions: { boxCoordinates: "fraction" },
    },
  },
  {
    name: "r1v4-deep-research",
    dialect: "skywork-r1v4",
    description: "Skywork-R1V4 on deep research benchmarks: longer replies.",
    source: "SkyworkAI/Skywork-R1V r1v4 first release, benchmark/infer.py (max_tokens 20480)",
    settings: {
      images: { modelView: qwen3View },
      model: { temperature: 0.2, maxTokens: 20_480 },
      dialectOptions: { boxCoordinates: "fraction" },
    },
  },
  {
    name: "deepeyes-v2",
    dialect: "deepeyes-v2",
    description: "DeepEyesV2 (Qwen2.5-VL-7B) as its evaluation runs it: image_1 is the image it saw.",
    source: "Visual-Agent/DeepEyesV2 evaluation/VLMEvalKit vlmeval/api/vllm_api.py, agent_utils.py",
    settings: {
      images: { modelView: qwen25View },
      budgets: { maxSteps: 10 },
      model: { temperature: 0 },
      dialectOptions: {
        boxCoordinates: "view",
        pythonImages: "view",
        actionChoice: "first",
        dropBlankImages: true,
        reindentCode: true,
        toolCallLimits: { image_search: 1 },
      },
    },
  },
  {
    name: "deepeyes-v2-rl",
    dialect: "deepeyes-v2",
    description: "DeepEyesV2 as its RL rollouts ran it: 9 generations, image_1 is the full-size original.",
    source: "Visual-Agent/DeepEyesV2 reinforcement_learning/.../envs/deepeyesv2/deepeyesv2.py",
    settings: {
      images: { modelView: qwen25View },
      budgets: { maxSteps: 8 },
      model: { temperature: 1 },
      dialectOptions: {
        boxCoordinates: "pixel",
        pythonImages: "original",
        actionChoice: "last",
        reindentCode: true,
        toolCallLimits: { image_search: 1 },
      },
    },
  },
  {
    name: "deepeyes",
    dialect: "deepeyes",
    description: "DeepEyes v1 (Qwen2.5-VL-7B) as its V* evaluation runs it: no box checks.",
    source: "Visual-Agent/DeepEyes eval/eval_vstar.py (11 generations at most, temperature 0)",
    settings: {
      images: { modelView: qwen25View },
      budgets: { maxSteps: 10 },
      model: { temperature: 0 },
      // eval_vstar.py reads the first <tool_call> of a turn.
      dialectOptions: { boxCoordinates: "view", boxRules: "none", cropZoom: "none", actionChoice: "first" },
    },
  },
  {
    name: "deepeyes-rl",
    dialect: "deepeyes",
    description:
      "DeepEyes v1 as its RL tool ran it: 5 generations, boxes with a side of 30 px or less refused.",
    source: "Visual-Agent/DeepEyes verl/workers/agent/envs/visual_toolbox_v2.py",
    settings: {
      images: { modelView: qwen25View },
      budgets: { maxSteps: 4 },
      model: { temperature: 1 },
      dialectOptions: { boxCoordinates: "view", boxRules: "deepeyes-rl", cropZoom: "none" },
    },
  },
  {
    name: "mmsearch-r1",
    dialect: "mmsearch-r1",
    description:
      "MMSearch-R1 (Qwen2.5-VL-7B) as its GRPO training ran it: 3 rounds, 1 image and 2 text searches.",
    source: "EvolvingLMMs-Lab/multimodal-search-r1 mmsearch_r1/scripts/run_mmsearch_r1_grpo.sh",
    settings: {
      images: {
        // Upstream scales the input into [512x512, 672x672x2] pixels, then Qwen's processor rounds
        // the sides to 28: smart-resize with those bounds lands on the same grid.
        modelView: { strategy: "smart-resize", factor: 28, minPixels: 512 * 512, maxPixels: 672 * 672 * 2 },
      },
      budgets: { maxSteps: 2 },
      dialectOptions: { toolCallLimits: { image_search: 1, text_search: 2 } },
    },
  },
  {
    name: "artist",
    dialect: "artist",
    description: "ARTIST: no public code; Loupe's defaults.",
    source: "arXiv 2505.01441",
    settings: {},
  },
];
