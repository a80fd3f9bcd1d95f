import { describe, expect, it } from "vitest";
import type { Evidence } from "../../core/mode-records.js";
import {
  checkSentence,
  citedNumbers,
  flagUnsupported,
  reportSentences,
  verifyReport,
} from "./verify-citations.js";

const source = { subQuestion: 1, runId: "r", step: 1, callId: "c1", tool: "web_visit" };
const evidence: Evidence[] = [
  {
    id: 1,
    kind: "page",
    text: "The Harbor Point lighthouse was built in 1871 by the harbour board.",
    url: "https://a.example/",
    source,
  },
  {
    id: 2,
    kind: "passage",
    text: "Mara Ellison, an engineer, designed it.",
    title: "Designers",
    url: "https://b.example/",
    source,
  },
];
const byId = new Map(evidence.map((item) => [item.id, item]));

describe("the citation check (deterministic rule)", () => {
  it("accepts a quote found in the cited evidence and a paraphrase sharing most of its words", () => {
    expect(checkSentence('It was "built in 1871 by the harbour board" [1].', byId)).toMatchObject({
      supported: true,
      reason: "100% of its words in [1]",
    });
    expect(checkSentence("Mara Ellison, an engineer, designed the lighthouse [2][1].", byId).supported).toBe(
      true,
    );
  });

  it("refuses a quote that is not in the evidence, a number it lacks, too few shared words, no citation, an unknown number", () => {
    expect(checkSentence('It was "built in 1872 by the board" [1].', byId).reason).toBe(
      'the quote "built in 1872 by the board" is not in [1]',
    );
    expect(checkSentence("The lighthouse was built in 1875 [1].", byId).reason).toBe(
      "the number 1875 is not in [1]",
    );
    expect(checkSentence("Storms regularly flooded the keeper cottage basement [1].", byId).reason).toMatch(
      /^only \d+% of its words in \[1\]$/,
    );
    expect(checkSentence("The lighthouse was built in 1871.", byId).reason).toBe("no citation");
    expect(checkSentence("It was built in 1871 [7].", byId).reason).toBe(
      "cites [7], which is not stored evidence",
    );
  });

  it("splits a report into sentences, skipping headings, images and the short answer", () => {
    const report =
      "# Title\n\nFirst one [1]. Second one [2].\n- A listed claim [1].\n![crop](images/x.png)\nShort answer: 1871.";
    expect(reportSentences(report)).toEqual(["First one [1].", "Second one [2].", "A listed claim [1]."]);
    expect(citedNumbers("Both [1][2] and [3, 4].")).toEqual([1, 2, 3, 4]);
  });

  it("flags each unsupported sentence where it stands", () => {
    const report = "It was built in 1871 [1]. It was moved in 1990 [1].";
    const checks = verifyReport(report, evidence);
    expect(flagUnsupported(report, checks)).toBe(
      "It was built in 1871 [1]. It was moved in 1990 [1]. **[unsupported: the number 1990 is not in [1]]**",
    );
  });
});
