import { judgeScorer } from "./judge-scorer.js";
import { hleJudgeTemplate, simpleqaJudgeTemplate, yesNoJudgeTemplate } from "./judge-templates.js";

/** BrowseComp / HLE style: extracted answer, reasoning, `correct: yes|no`, confidence. */
export const hleJudgeScorer = judgeScorer({
  name: "hle-judge",
  upstream:
    "Alibaba-NLP/DeepResearch WebAgent/WebWatcher/infer/evaluation/evaluate_hle_official.py; openai/simple-evals browsecomp_eval.py",
  template: hleJudgeTemplate,
  parser: "hle",
  verdictScore: (parsed) => ({ correct: parsed.verdict === "yes" }),
});

/** SimpleQA style: A / B / C = correct / incorrect / not attempted. */
export const simpleqaJudgeScorer = judgeScorer({
  name: "simpleqa-judge",
  upstream: "openai/simple-evals simpleqa_eval.py (GRADER_TEMPLATE, grade_sample)",
  template: simpleqaJudgeTemplate,
  parser: "simpleqa",
  strictParser: "simpleqa-strict",
  verdictScore: (parsed) => ({
    correct: parsed.verdict === "correct",
    attempted: parsed.verdict !== "not-attempted",
  }),
});

/** DeepEyesV2 style: the judge ends with \boxed{Yes} or \boxed{No}. */
export const yesNoJudgeScorer = judgeScorer({
  name: "yes-no-judge",
  upstream:
    "Visual-Agent/DeepEyesV2 evaluation/VLMEvalKit/vlmeval/dataset/utils/judge_utils.py (judge_result)",
  template: yesNoJudgeTemplate,
  parser: "deepeyes-v2",
  strictParser: "deepeyes-v2-strict",
  verdictScore: (parsed) => ({ correct: parsed.verdict === "yes" }),
});
