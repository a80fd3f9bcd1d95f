import { judgeScorer } from "./judge-scorer.js";
import {
  hleJudgeTemplate,
  livevqaJudgeTemplate,
  simpleqaJudgeTemplate,
  simplevqaJudgeTemplate,
  yesNoJudgeTemplate,
} from "./judge-templates.js";

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

/**
 * LiveVQA's own judge (unified_benchmark.py): SimpleQA's grader, the target being every accepted
 * answer, the reply exactly A, B or C; an empty answer is C without asking.
 */
export const livevqaJudgeScorer = judgeScorer({
  name: "livevqa-judge",
  upstream: "fumingyang2004/LIVEVQA liveVQA_benchmarks/unified_benchmark.py (judge_answer_with_ai)",
  template: livevqaJudgeTemplate,
  parser: "livevqa",
  verdictScore: (parsed) => ({
    correct: parsed.verdict === "correct",
    attempted: parsed.verdict !== "not-attempted",
  }),
  withoutJudge: (values) => (values.response!.trim() === "" ? { verdict: "not-attempted" } : undefined),
});

/** SimpleVQA's own judge: the grade in Chinese as the first value of a JSON object. */
export const simplevqaJudgeScorer = judgeScorer({
  name: "simplevqa-judge",
  upstream: "SimpleVQA/SimpleVQA llm_as_a_vqa_judger.py, simpleVQA_eval.py",
  template: simplevqaJudgeTemplate,
  parser: "simplevqa",
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
