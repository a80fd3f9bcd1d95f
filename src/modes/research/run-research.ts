import { type BudgetTracker, describeStop } from "../../agent/budget-tracker.js";
import { runAgent } from "../../agent/run-agent.js";
import type { RunAgentOptions, RunResult } from "../../agent/run-options.js";
import { ImageSet } from "../../core/image-set.js";
import type { Message } from "../../core/messages.js";
import type { ResearchRecord } from "../../core/mode-records.js";
import { Semaphore } from "../../core/semaphore.js";
import { type ModeOutcome, ModeRun } from "../mode-run.js";
import { type ModeModel, modelText } from "../model-text.js";
import {
  decompositionMessages,
  readSubQuestions,
  readSufficiency,
  sufficiencyMessages,
} from "./decompose.js";
import { EvidenceStore } from "./evidence-store.js";
import { modelCheckFlagged } from "./model-check.js";
import { flagUnsupported, verifyReport } from "./verify-citations.js";
import { evidenceListing, reportAppendix, reportMessages, shortAnswerOf } from "./write-report.js";

/**
 * Research mode: the model splits the question (it sees the images) into sub-questions; each is
 * run by a sub-agent (the agent loop with the run's model, dialect and tools) under its own
 * budgets (research.subAgentBudgets, never more than what the whole run has left), a few at a
 * time; everything they found goes into the evidence store. After each round the model judges
 * whether the evidence answers the question; if not, its follow-ups are the next round's
 * sub-questions, until research.maxRounds or the run's budget is spent. Then the model writes a
 * report citing the evidence by number, and the verification pass (verify-citations.ts) checks
 * every sentence against what it cites: unsupported ones are flagged in the report and listed.
 */
export async function runResearch(options: RunAgentOptions): Promise<RunResult> {
  const { config, question } = options;
  const research = config.research;
  const run = new ModeRun(options, "research");
  const { images, inputs, recorder, budget, signal } = run;
  const model: ModeModel = { model: options.model, images, config };
  const store = new EvidenceStore();
  const record: ResearchRecord = {
    subQuestions: [],
    evidence: [],
    report: "",
    citations: [],
    unsupported: [],
    stoppedGathering: "rounds",
  };
  const findings: string[] = [];
  let messages: Message[] = [];
  let outcome: ModeOutcome;
  try {
    const decomposition = await modelText(
      model,
      decompositionMessages(question, inputs, research.maxSubQuestions),
      signal,
    );
    budget.recordUsage(decomposition.usage);
    let pending = readSubQuestions(decomposition.text, question, research.maxSubQuestions);
    const gate = new Semaphore(research.concurrency);
    for (let round = 1; pending.length > 0; round++) {
      const spent = budget.exhausted();
      if (spent) {
        record.stoppedGathering = spent;
        break;
      }
      const runs = await Promise.all(
        pending.map((subQuestion) =>
          gate.run(async () => {
            const number = record.subQuestions.length + pending.indexOf(subQuestion) + 1;
            return {
              subQuestion,
              number,
              result: await runSubAgent(options, subQuestion, budget, signal, `${recorder.id}-sub${number}`),
            };
          }, signal),
        ),
      );
      for (const { subQuestion, number, result } of runs) {
        const { trajectory } = result;
        for (const ref of result.images.list()) images.restore(ref, result.images.bytes(ref.id));
        store.addRun(trajectory, number, result.images);
        budget.recordUsage(trajectory.budgetsUsed.usage);
        for (let call = 0; call < trajectory.budgetsUsed.toolCalls; call++) budget.recordToolCall();
        // Numbered on from 1 across the sub-agents, as the loop numbers its steps.
        const first = recorder.steps.length + 1;
        for (const step of trajectory.steps) recorder.addStep({ ...step, index: recorder.steps.length + 1 });
        record.subQuestions.push({
          question: subQuestion,
          round,
          runId: trajectory.id,
          stopReason: trajectory.stopReason,
          ...(trajectory.answer !== undefined ? { answer: trajectory.answer } : {}),
          ...(trajectory.steps.length > 0
            ? { steps: [first, recorder.steps.length] as [number, number] }
            : {}),
        });
        if (trajectory.answer) findings.push(`${subQuestion} → ${trajectory.answer}`);
      }
      if (round >= research.maxRounds) {
        record.stoppedGathering = "rounds";
        break;
      }
      const judged = await modelText(
        model,
        sufficiencyMessages(question, evidenceListing(store.list(), 300)),
        signal,
      );
      budget.recordUsage(judged.usage);
      const verdict = readSufficiency(judged.text, research.maxSubQuestions);
      if (verdict.answered) {
        record.stoppedGathering = "answered";
        break;
      }
      pending = verdict.followUps;
    }
    record.evidence = [...store.list()];
    messages = reportMessages(question, inputs, record.evidence, findings, research.evidenceChars);
    const written = await modelText(model, messages, signal);
    budget.recordStep(written.usage);
    messages.push({ role: "assistant", content: written.text });
    record.citations = verifyReport(written.text, record.evidence);
    if (research.modelCheck) {
      const second = await modelCheckFlagged(
        record.citations,
        record.evidence,
        model,
        signal,
        research.evidenceChars,
      );
      record.citations = second.checks;
      budget.recordUsage(second.usage);
    }
    record.unsupported = record.citations.filter((check) => !check.supported).map((check) => check.sentence);
    record.report =
      `${flagUnsupported(written.text, record.citations)}\n${reportAppendix(written.text, record.evidence, images)}`.trimEnd();
    const shortAnswer = shortAnswerOf(written.text);
    if (shortAnswer) record.shortAnswer = shortAnswer;
    const stop = budget.exhausted();
    outcome = {
      stopReason: stop ?? "answer",
      answer: shortAnswer ?? written.text,
      ...(stop ? { stopDescription: describeStop(stop) } : {}),
    };
  } catch (thrown) {
    outcome = run.failed(thrown);
    record.evidence = [...store.list()];
  }
  const trajectory = run.finish(messages, outcome, recorder.steps.length);
  return { trajectory: { ...trajectory, mode: "research", research: record }, images };
}

/**
 * One sub-agent: the agent loop on one sub-question, with the run's model, dialect and tools and
 * the input images, under the sub-agent budgets capped by what the whole research has left.
 */
async function runSubAgent(
  options: RunAgentOptions,
  subQuestion: string,
  budget: BudgetTracker,
  signal: AbortSignal,
  runId: string,
): Promise<RunResult> {
  const { config } = options;
  const own = config.research.subAgentBudgets;
  const left = {
    maxToolCalls: Math.max(1, config.budgets.maxToolCalls - budget.toolCalls),
    maxTokens: Math.max(
      1,
      config.budgets.maxTokens - budget.usage.promptTokens - budget.usage.completionTokens,
    ),
    maxWallMs: Math.max(1, config.budgets.maxWallMs - Math.round(budget.elapsedMs())),
  };
  const budgets = {
    ...config.budgets,
    maxSteps: own.maxSteps ?? config.budgets.maxSteps,
    maxToolCalls: Math.min(own.maxToolCalls ?? left.maxToolCalls, left.maxToolCalls),
    maxTokens: Math.min(own.maxTokens ?? left.maxTokens, left.maxTokens),
    maxWallMs: Math.min(own.maxWallMs ?? left.maxWallMs, left.maxWallMs),
  };
  return runAgent({
    ...options,
    question: subQuestion,
    config: { ...config, budgets },
    signal,
    runId,
    imageSet: new ImageSet(),
    // The research's own events say what it does; a sub-agent's would interleave with its siblings'.
    onEvent: undefined,
    onCheckpoint: undefined,
    checkpointStore: undefined,
  });
}
