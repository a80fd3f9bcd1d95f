/**
 * Loupe's default judge prompts: our own wording, in the structure and output format of the
 * upstream prompts (simple-evals browsecomp_eval.py / HLE run_judge_results.py, simple-evals
 * simpleqa_eval.py, DeepEyesV2 judge_prompt/verify.md), so the upstream parsers read their
 * replies. A user's `--judge-prompt FILE` replaces them; the variables are listed in
 * docs/evaluation-scoring.md.
 */
export const hleJudgeTemplate = `Decide whether the [response] to the [question] below is correct, judged only against the precise [correct_answer].

[question]: {{question}}

[response]: {{response}}

Reply in exactly this format:

extracted_final_answer: the final answer the [response] gives, copied as written. Write None if the [response] states no final answer.

[correct_answer]: {{correct_answer}}

reasoning: say why the extracted_final_answer does or does not agree with [correct_answer], looking only at meaningful differences between the two. Do not solve the problem, do not discuss its background and do not argue for an answer other than [correct_answer].

correct: write yes if the extracted_final_answer agrees with [correct_answer], or is within a small margin of error for a numerical answer. Write no otherwise: for any inconsistency, ambiguity or non-equivalence, or a wrong answer.

confidence: the confidence between 0% and 100% stated in the [response]. Write 100 if it states none.`;

export const simpleqaJudgeTemplate = `You are grading one predicted answer against a gold target. Give it one grade: CORRECT, INCORRECT or NOT_ATTEMPTED.

CORRECT: the predicted answer contains everything important in the gold target and nothing that contradicts it. Wording, capitalisation, punctuation, order and hedging do not matter, as long as the gold target is fully there and nothing stated is wrong. Example, question "Which two planets have no moons?", gold target "Mercury and Venus": "Venus and Mercury" and "I believe Mercury and Venus, though I'd check" are CORRECT.

INCORRECT: a statement in the predicted answer contradicts the gold target, hedged or not. Examples for the same question: "Mercury", "Mercury, Venus and Mars", "It might be Mars and Venus".

NOT_ATTEMPTED: the important part of the gold target is missing and nothing contradicts it. Examples: "I don't know", "I would need to look that up", "One of them is Mercury; I'm not sure of the other".

Further rules:
- A number must be right to the last significant figure of the gold target: with gold "3,200 km", "3,200 km" and "3,240 km" are CORRECT, "2,900 km" is INCORRECT, "about 3,000 km or more" is NOT_ATTEMPTED.
- The gold target may say more than the question asks; the predicted answer only needs what the question asks for.
- Do not penalise what the question already implies (units, a surname, a generic word such as "award").
- Small misspellings of a name that is clearly the same name are fine.

Grade this example. Do not apologise or correct yourself; just grade.
\`\`\`
Question: {{question}}
Gold target: {{gold_target}}
Predicted answer: {{predicted_answer}}
\`\`\`

Grade the predicted answer as one of:
A: CORRECT
B: INCORRECT
C: NOT_ATTEMPTED

Return only the letter "A", "B" or "C", with nothing around it.`;

export const yesNoJudgeTemplate = `# Role
You judge whether two answers agree.

# Task
Decide whether the [model answer] agrees with the [reference answer]. Do not work out the true answer to the [question] yourself.
1. Read the [question] and note how many things it asks for (a question may mention images as "<image_N>"; for those, skip this step).
2. Compare the [model answer] with the [reference answer] for each thing asked, in order. One disagreement makes them disagree.

# Criteria
- Open answers (descriptions, essays): the [model answer] must contain the points of the [reference answer] with the same meaning.
- Worked solutions and proofs: the conclusion must agree; if the [reference answer] shows its working and the [model answer] does not, they disagree.
- Objective answers (facts, arithmetic, science): ignore layout, separators, LaTeX and case; only the final value matters ("6 trees", "6" and "six" agree).
- Multiple choice: the chosen option marks (letters, Roman or Arabic numerals) must agree.
- Fill in the blanks: every blank must agree, in order.
- True/false and classification: the [model answer] must give a clear judgement that agrees with the [reference answer].

# Output
1. Think inside <think></think>.
2. End with one word, in the form \\boxed{Yes} (they agree) or \\boxed{No} (they do not). Your conclusion must match your thinking.

# Input
[question]: {{question}}
[reference answer]: {{correct_answer}}
[model answer]: {{response}}`;
