import type { DialectName } from "../../core/config.js";

/**
 * Model outputs as the seed models' papers, project pages and upstream code print them, each with
 * the parse upstream intends, in Loupe's terms. Tags, JSON, code, queries, line breaks and quote
 * marks are typed as printed (a line that the PDF wrapped is joined); the reasoning prose is
 * Loupe's own short paraphrase, since only its place in the grammar matters. `source` says where
 * each one is printed. real-outputs.test.ts runs every entry through every path that reads it.
 */
export interface RealOutput {
  id: string;
  dialect: DialectName;
  /** Paper and figure, or repository and file. */
  source: string;
  /**
   * `turn`: one model turn as the live loop receives it. `transcript`: a whole run as printed
   * (observations included); the live path reads it turn by turn (the text between observations),
   * and for R1V4 the hosted-transcript parser reads it whole.
   */
  form: "turn" | "transcript";
  text: string;
  /** What each model turn means, in order (one entry for a `turn`). */
  turns: ExpectedTurn[];
  /** Tools the run enables; the dialect's defaults when absent. */
  tools?: readonly string[];
  /** Why the entry is here, when it is not plain from the source. */
  note?: string;
}

export interface ExpectedTurn {
  /** The calls that run, in order: Loupe's tool name and (a subset of) its arguments. */
  calls: ExpectedCall[];
  /** How many actions are answered with an error instead (default none). */
  errors?: number;
  answer?: string;
  /** Text the turn's reasoning must hold. */
  reasoning?: string;
}

export interface ExpectedCall {
  tool: string;
  arguments: Record<string, unknown>;
}

const figure5Code = [
  "import os",
  "...",
  "# Calculate crop coordinates for the central park area",
  "left = int(width * 0.4)",
  "top = int(height * 0.6)",
  "right = int(width * 0.7)",
  "bottom = int(height * 0.9)",
  "...",
  "# Print the path of the saved enhanced image",
  "print(processed_path)",
].join("\n");

const figure5Later = (region: string) =>
  ["import os", "...", `# Calculate crop coordinates for ${region}`, "..."].join("\n");

const figure7Code = [
  "import os",
  "...",
  "# Crop the main smartwatch in the center to focus on the crown area",
  "...",
].join("\n");

export const realOutputs: readonly RealOutput[] = [
  // ---------------------------------------------------------------- Skywork-R1V4
  {
    id: "r1v4-fig5-iterative-crops",
    dialect: "skywork-r1v4",
    source: "Skywork-R1V4 paper (arXiv 2512.02395), Figure 5",
    form: "transcript",
    note: "code printed bare after </think> (no wrapper); third round opens its reasoning with </think>",
    text: [
      "<think>No dog is visible at this size; crop the central park area where people gather.</think>",
      figure5Code,
      "<observation> <sub-image 1> </observation><think>Still no dog in the park crop; look at the left side of the park.</think>",
      figure5Later("the left side of the park where people are walking"),
      "<observation> <sub-image 2> </observation></think> A street with cars and people, no dog yet; try the right side of the image.</think>",
      figure5Later("the right side of the image where people are walking"),
      "<observation> <sub-image 3> </observation><think> A small white dog is on the sidewalk; that matches option D.</think>",
      "<answer>D. Black and white</answer>",
    ].join("\n"),
    turns: [
      { calls: [{ tool: "python", arguments: { code: figure5Code } }], reasoning: "central park area" },
      {
        calls: [
          {
            tool: "python",
            arguments: { code: figure5Later("the left side of the park where people are walking") },
          },
        ],
      },
      {
        calls: [
          {
            tool: "python",
            arguments: { code: figure5Later("the right side of the image where people are walking") },
          },
        ],
        reasoning: "try the right side",
      },
      { calls: [], answer: "D. Black and white", reasoning: "small white dog" },
    ],
  },
  {
    id: "r1v4-fig6-geolocation",
    dialect: "skywork-r1v4",
    source: "Skywork-R1V4 paper (arXiv 2512.02395), Figure 6",
    form: "transcript",
    note: "JSON one brace short with a stray } after </tool_call>; [<image>] unquoted; U+2019 on both sides of the query; </think> opens the last reasoning",
    text: [
      "<think>Traditional roofs, a hotel sign and high-rises behind: search the image to place it.</think>",
      '<tool_call>{"name": "image_search", "arguments": {"image_paths": [<image>]',
      "}</tool_call>}",
      "<observation>1. JINC SAINT Hotel (Jiefangbei Huguang Assembly Hall) link: [link 1] image: [image 1]",
      "2. Yangmeiling Scenic Spot (2025) - All You Need to Know BEFORE ... link: [link 2] image: [image 2] ...",
      "</observation>",
      "<think>The hits point to JINC Saint Hotel in Chongqing; confirm the location by text.</think>",
      '<tool_call>{"name": "text_search", "arguments": {"queries": [\u2019Chongqing JINC Saint Hotel location\u2019]}</tool_call>}',
      "<observation>1. Jinke Saint Hotel link: [link 1] text: Jinke Saint Hotel). 6th Floor, Tower A, Caihui Plaza, No. 99 Minzu Road, Yuzhong District, Chongqing ...",
      "</observation>",
      "</think>The results agree: the hotel is on Minzu Road in Yuzhong District, Chongqing.</think>",
      "<answer>",
      "Chongqing, China: the JINC Saint Hotel in Yuzhong District.",
      "</answer>",
    ].join("\n"),
    turns: [
      {
        calls: [{ tool: "image_search", arguments: { images: ["image_1"] } }],
        reasoning: "search the image",
      },
      { calls: [{ tool: "text_search", arguments: { queries: ["Chongqing JINC Saint Hotel location"] } }] },
      {
        calls: [],
        answer: "Chongqing, China: the JINC Saint Hotel in Yuzhong District.",
        reasoning: "The results agree",
      },
    ],
  },
  {
    id: "r1v4-fig7-interleaved",
    dialect: "skywork-r1v4",
    source: "Skywork-R1V4 paper (arXiv 2512.02395), Figure 7",
    form: "transcript",
    note: "the first crop is <sub-image 1> and is then searched unquoted; `] }` and a line break before </tool_call>}",
    text: [
      "<think>Crop the main smartwatch to see its crown.",
      "</think>",
      figure7Code,
      "<observation><sub-image 1></observation>",
      "<think>The crop shows the fall-detection screen; search this image to learn the model.</think>",
      '<tool_call>{"name": "image_search", "arguments": {"image_paths": [<sub-image 1>] }',
      "</tool_call>}",
      "<observation>1. Amazon.com: Ticwatch Atlas - Reloj inteligente para hombre, Android Wear OS link: [link 1] image: [image 1]",
      "2. Amazon.com: Ticwatch link: [link 2] image: [image 2] ...",
      "</observation>",
      "<think>It is a Ticwatch Atlas; look up what five presses of the crown do.",
      "</think>",
      '<tool_call>{"name": "text_search", "arguments": {"queries": [\u2019Ticwatch Atlas crown press five times\u2019]}</tool_call>}',
      "<observation>1. TicWatch Atlas: How to use Fall Detection & Emergency SOS link: [link 1] text: You can also press the rotating crown five times to instantly initiate an SOS call. ...</observation>",
      "</think>Five presses start an Emergency SOS call.</think>",
      "<answer>",
      "Pressing the crown five times rapidly starts an Emergency SOS call.</answer>",
    ].join("\n"),
    turns: [
      {
        calls: [{ tool: "python", arguments: { code: figure7Code } }],
        reasoning: "Crop the main smartwatch",
      },
      { calls: [{ tool: "image_search", arguments: { images: ["image_3"] } }] },
      { calls: [{ tool: "text_search", arguments: { queries: ["Ticwatch Atlas crown press five times"] } }] },
      {
        calls: [],
        answer: "Pressing the crown five times rapidly starts an Emergency SOS call.",
        reasoning: "Five presses",
      },
    ],
  },
  {
    id: "r1v4-parse-utils-sample",
    dialect: "skywork-r1v4",
    source: "SkyworkAI/Skywork-R1V r1v4/parse_utils.py (__main__ sample_response)",
    form: "transcript",
    note: 'code is a tool_call named "code"; the code observation is JSON {"result", "type"}',
    text: [
      "<think>",
      "Find the rightmost child and the colour of her skirt.",
      "</think>",
      '<tool_call>{"name": "code", "arguments": {"code": "print(\'hello\')"}}</tool_call>',
      '<observation>{"result": "hello", "type": "code"}</observation>',
      "<think>",
      "The crop shows the rightmost child clearly.",
      "</think>",
      "<answer>",
      "The rightmost child has a red/orange colored skirt.",
      "</answer>",
    ].join("\n"),
    turns: [
      { calls: [{ tool: "python", arguments: { code: "print('hello')" } }], reasoning: "rightmost child" },
      { calls: [], answer: "The rightmost child has a red/orange colored skirt." },
    ],
  },
  {
    id: "r1v4-bare-tags",
    dialect: "skywork-r1v4",
    source:
      "SkyworkAI/Skywork-R1V @fdfbb84 r1v4/inference/request_deepresearch.py (output comment and extract_turns); paper §2.2.1",
    form: "transcript",
    note: "the older variant: one bare tag per tool, its body the argument itself",
    text: [
      "<think>Find where this is.</think> <image_search><image></image_search> ",
      '<observation>[{"title": "Hongyadong", "source": "https://img.example/1.jpg", "link": "https://a.example"}]</observation> ',
      "<think>Confirm by text.</think> <text_search>Hongyadong Chongqing location</text_search> ",
      '<observation>[{"title": "Hongyadong", "url": "https://b.example", "snippet": "Yuzhong District"}]</observation> ',
      "<think>Read the page.</think> <web_content>https://b.example</web_content> ",
      "<observation>A summary of the page.</observation> ",
      "<think>Enough.</think> <answer>Chongqing</answer>",
    ].join(""),
    turns: [
      { calls: [{ tool: "image_search", arguments: { images: ["image_1"] } }] },
      { calls: [{ tool: "text_search", arguments: { queries: ["Hongyadong Chongqing location"] } }] },
      { calls: [{ tool: "web_visit", arguments: { urls: ["https://b.example"] } }] },
      { calls: [], answer: "Chongqing" },
    ],
  },
  {
    id: "r1v4-unclosed-think-tool-call",
    dialect: "skywork-r1v4",
    source: "Loupe issue 7 (reported bug): a reply whose <think> is never closed but holds a <tool_call>",
    form: "turn",
    text: '<think>The sign is too small to read; crop the top half.\n<tool_call>{"name": "code", "arguments": {"code": "w, h = image_1.size\\nshow(image_1.crop((0, 0, w, h // 2)))"}}</tool_call>',
    turns: [
      {
        calls: [
          {
            tool: "python",
            arguments: { code: "w, h = image_1.size\nshow(image_1.crop((0, 0, w, h // 2)))" },
          },
        ],
        reasoning: "crop the top half",
      },
    ],
  },
  {
    id: "r1v4-unclosed-think-stopped",
    dialect: "skywork-r1v4",
    source: "Loupe issue 7 (reported bug), as a server returns it: the stop sequence </tool_call> cut off",
    form: "turn",
    text: '<think>Search the web for the name on the sign.\n<tool_call>{"name": "text_search", "arguments": {"queries": ["Shengjia Hotel"]}}',
    turns: [
      {
        calls: [{ tool: "text_search", arguments: { queries: ["Shengjia Hotel"] } }],
        reasoning: "Search the web",
      },
    ],
  },
  // ---------------------------------------------------------------- native (tool parser off)
  {
    id: "native-unclosed-think-tool-call",
    dialect: "native",
    source:
      "Loupe issue 7 (reported bug): a Qwen-style model served with its tool parser off writes hermes calls as text",
    form: "turn",
    text: '<think>Zoom into the top-left quadrant.\n<tool_call>\n{"name": "crop", "arguments": {"image": "image_1", "box": [0, 0, 320, 240]}}\n</tool_call>',
    turns: [
      {
        calls: [{ tool: "crop", arguments: { image: "image_1", box: [0, 0, 320, 240] } }],
        reasoning: "Zoom into the top-left",
      },
    ],
  },
  {
    id: "native-hermes-text-call",
    dialect: "native",
    source: "Qwen2.5/Qwen3 hermes tool format, as text when the server's tool parser is off",
    form: "turn",
    text: '<think>Zoom in.</think>\n\n<tool_call>\n{"name": "crop", "arguments": {"image": "image_1", "box": [10, 20, 100, 200]}}\n</tool_call>',
    turns: [{ calls: [{ tool: "crop", arguments: { box: [10, 20, 100, 200] } }], reasoning: "Zoom in." }],
  },
  {
    id: "native-r1v4-served-native",
    dialect: "native",
    source:
      "Skywork-R1V4 paper Figure 6 call, from an R1V4 model run with --dialect native (tool parser off)",
    form: "turn",
    note: "the native dialect does not know R1V4's tool names: the call is answered with an error, not taken as the answer",
    text: '<think>Search the image.\n<tool_call>{"name": "image_search", "arguments": {"image_paths": [<image>]\n}</tool_call>}',
    turns: [{ calls: [], errors: 1, reasoning: "Search the image." }],
  },
  // ---------------------------------------------------------------- DeepEyes v1
  {
    id: "deepeyes-system-prompt-example",
    dialect: "deepeyes",
    source:
      "Visual-Agent/DeepEyes verl/workers/agent/envs/mm_process_engine/prompt.py SYSTEM_PROMPT_V2 (**Example**, two trailing spaces per line)",
    form: "turn",
    text: '<think>The apple is small; zoom in.</think>\n<tool_call>  \n{"name": "image_zoom_in_tool", "arguments": {"bbox_2d": [10, 20, 100, 200], "label": "the apple on the desk"}}  \n</tool_call>',
    turns: [
      {
        calls: [
          {
            tool: "crop",
            arguments: { image: "image_1", box: [10, 20, 100, 200], label: "the apple on the desk" },
          },
        ],
      },
    ],
  },
  {
    id: "deepeyes-eval-zoom",
    dialect: "deepeyes",
    source: "Visual-Agent/DeepEyes eval/eval_vstar.py (stop <|im_end|>: the turn keeps </tool_call>)",
    form: "turn",
    text: '<think>The text on the bottle is too small. I will zoom in on it.</think>\n<tool_call>\n{"name": "image_zoom_in_tool", "arguments": {"bbox_2d": [420, 310, 560, 450], "label": "bottle label"}}\n</tool_call>',
    turns: [{ calls: [{ tool: "crop", arguments: { box: [420, 310, 560, 450], label: "bottle label" } }] }],
  },
  {
    id: "deepeyes-hrbench-stopped",
    dialect: "deepeyes",
    source:
      "Visual-Agent/DeepEyes eval/eval_hrbench.py (stop </tool_call>, dropped from the reply by the API)",
    form: "turn",
    text: '<think>Zoom into the upper right corner.</think>\n<tool_call>\n{"name": "image_zoom_in_tool", "arguments": {"bbox_2d": [600, 0, 1000, 300]}}\n',
    turns: [{ calls: [{ tool: "crop", arguments: { box: [600, 0, 1000, 300] } }] }],
  },
  {
    id: "deepeyes-python-literal",
    dialect: "deepeyes",
    source:
      "Visual-Agent/DeepEyes eval/eval_vstar.py reads the call with Python eval(): single quotes work upstream",
    form: "turn",
    text: "<think>Zoom in.</think>\n<tool_call>\n{'name': 'image_zoom_in_tool', 'arguments': {'bbox_2d': [100, 100, 300, 260], 'label': 'cup'}}\n</tool_call>",
    turns: [{ calls: [{ tool: "crop", arguments: { box: [100, 100, 300, 260], label: "cup" } }] }],
  },
  {
    id: "deepeyes-repeated-call",
    dialect: "deepeyes",
    source:
      "Visual-Agent/DeepEyes issue #60 (the model kept generating repeated tool calls); visual_toolbox_v2.py runs one zoom per turn (the last)",
    form: "turn",
    text: [
      "<think>Zoom in on the motorcycle.</think>",
      '<tool_call>\n{"name": "image_zoom_in_tool", "arguments": {"bbox_2d": [500, 300, 700, 450], "label": "motorcycle"}}\n</tool_call>',
      '<tool_call>\n{"name": "image_zoom_in_tool", "arguments": {"bbox_2d": [500, 300, 700, 460], "label": "motorcycle"}}\n</tool_call>',
    ].join("\n"),
    turns: [{ calls: [{ tool: "crop", arguments: { box: [500, 300, 700, 460] } }] }],
  },
  {
    id: "deepeyes-answer",
    dialect: "deepeyes",
    source: "Visual-Agent/DeepEyes prompt.py USER_PROMPT_V2 format (<think>...</think> <answer>...</answer>)",
    form: "turn",
    text: "<think>After zooming in, the umbrella is clearly red.</think>\n<answer>A</answer>",
    turns: [{ calls: [], answer: "A", reasoning: "umbrella" }],
  },
  // ---------------------------------------------------------------- DeepEyesV2
  {
    id: "deepeyesv2-code-fence",
    dialect: "deepeyes-v2",
    source:
      "Visual-Agent/DeepEyesV2 evaluation/VLMEvalKit/vlmeval/api/prompt.py AGENT_CONFIG (<code> holding a ```python block)",
    form: "turn",
    text: [
      "<think>Crop the lower left to read the label.</think>",
      "<code>",
      "```python",
      "import matplotlib.pyplot as plt",
      "w, h = image_1.size",
      "crop = image_1.crop((0, int(h * 0.5), int(w * 0.5), h))",
      "plt.imshow(crop)",
      "plt.show()",
      "```",
      "</code>",
    ].join("\n"),
    turns: [
      {
        calls: [
          {
            tool: "python",
            arguments: {
              code: "import matplotlib.pyplot as plt\nw, h = image_1.size\ncrop = image_1.crop((0, int(h * 0.5), int(w * 0.5), h))\nplt.imshow(crop)\nplt.show()",
            },
          },
        ],
      },
    ],
  },
  {
    id: "deepeyesv2-eval-stopped",
    dialect: "deepeyes-v2",
    source: "Visual-Agent/DeepEyesV2 vllm_api.py (stop </code> not returned; the runtime appends it)",
    form: "turn",
    text: "<think>Count the bars.</think>\n<code>\n```python\nprint(len([3, 5, 8]))\n```\n",
    turns: [{ calls: [{ tool: "python", arguments: { code: "print(len([3, 5, 8]))" } }] }],
  },
  {
    id: "deepeyesv2-search",
    dialect: "deepeyes-v2",
    source:
      "Visual-Agent/DeepEyesV2 evaluation/inference_demo/inference_demo.py SYSTEM_PROMPT (example search call)",
    form: "turn",
    text: '<think>I need outside facts.</think>\n<tool_call>\n{"name": "search", "arguments": {"query": "Does Cloudflare analyze submitted data to block attacks"}}\n</tool_call>',
    turns: [
      {
        calls: [
          {
            tool: "text_search",
            arguments: { queries: ["Does Cloudflare analyze submitted data to block attacks"] },
          },
        ],
      },
    ],
  },
  {
    id: "deepeyesv2-image-search",
    dialect: "deepeyes-v2",
    source:
      "Visual-Agent/DeepEyesV2 evaluation/inference_demo/inference_demo.py SYSTEM_PROMPT (example image_search call)",
    form: "turn",
    text: '<think>What is this building? Search the image.</think>\n<tool_call>\n{"name": "image_search"}\n</tool_call>',
    turns: [{ calls: [{ tool: "image_search", arguments: { images: ["image_1"] } }] }],
  },
  {
    id: "deepeyesv2-answer",
    dialect: "deepeyes-v2",
    source: "Visual-Agent/DeepEyesV2 prompt.py user_template (<think> </think> ... <answer> </answer>)",
    form: "turn",
    text: "<think>The crop shows 12 apples.</think>\n<answer>12</answer>",
    turns: [{ calls: [], answer: "12" }],
  },
  // ---------------------------------------------------------------- MMSearch-R1
  {
    id: "mmsearch-image-search",
    dialect: "mmsearch-r1",
    source:
      "EvolvingLMMs-Lab/multimodal-search-r1 round_1_user_prompt_qwenvl.pkl and vllm_rollout_spmd.py (<search><img></search>$ at the end of the turn)",
    form: "turn",
    text: "<reason>I do not recognise this landmark; search with the image.</reason>\n<search><img></search>",
    turns: [{ calls: [{ tool: "image_search", arguments: { images: ["image_1"] } }], reasoning: "landmark" }],
  },
  {
    id: "mmsearch-text-search",
    dialect: "mmsearch-r1",
    source:
      "EvolvingLMMs-Lab/multimodal-search-r1 after_image_search_prompt_qwenvl.pkl and vllm_rollout_spmd.py (<text_search>.*</text_search>$)",
    form: "turn",
    text: "<reason>The results name the film; I still need its release year.</reason>\n<text_search>Titanic film release year</text_search>",
    turns: [{ calls: [{ tool: "text_search", arguments: { queries: ["Titanic film release year"] } }] }],
  },
  {
    id: "mmsearch-answer",
    dialect: "mmsearch-r1",
    source:
      "EvolvingLMMs-Lab/multimodal-search-r1 prompts (e.g. <answer>Titanic</answer>) and mmsearch_r1_score.py",
    form: "turn",
    text: "<reason>The poster is of the 1997 film.</reason>\n<answer>Titanic</answer>",
    turns: [{ calls: [], answer: "Titanic", reasoning: "1997" }],
  },
];
