import type { ImageSet } from "../../core/image-set.js";
import { extensionForMime, type ImageRef } from "../../core/images.js";
import type { Message } from "../../core/messages.js";
import type { Evidence } from "../../core/mode-records.js";
import { clip } from "../model-text.js";

/** The evidence as the report writer reads it: numbered, one line each, with where each came from. */
export function evidenceListing(evidence: readonly Evidence[], maxChars: number): string {
  return evidence
    .map((item) => {
      const where =
        item.url ?? (item.imageId ? `image ${item.imageId.slice(0, 12)}` : `${item.source.tool} output`);
      return `[${item.id}] (${item.kind}; ${where})${item.title ? ` ${item.title}:` : ""} ${clip(item.text.replace(/\s+/g, " ").trim(), maxChars)}`;
    })
    .join("\n");
}

export function reportMessages(
  question: string,
  inputs: readonly ImageRef[],
  evidence: readonly Evidence[],
  findings: readonly string[],
  maxChars: number,
): Message[] {
  return [
    {
      role: "system",
      content:
        'You write a research report in Markdown from numbered evidence. Every sentence that states a fact ends with the numbers of the evidence that says it, such as [2] or [1][3]; cite only evidence that says it, and prefer the evidence\'s own words (quote exact phrases in double quotes). Do not state anything the evidence does not say. End with a line "Short answer: ..." that answers the question in a few words.',
    },
    {
      role: "user",
      content: [
        ...inputs.map((ref) => ({ type: "image" as const, imageId: ref.id })),
        {
          type: "text",
          text: `Question: ${question}\n\nWhat the researchers concluded (not evidence; cite the evidence):\n${findings.map((finding) => `- ${finding}`).join("\n") || "- nothing"}\n\nEvidence:\n${evidenceListing(evidence, maxChars)}`,
        },
      ],
    },
  ];
}

/** The short answer line's text, when the report has one. */
export function shortAnswerOf(report: string): string | undefined {
  return (
    /^\**short answer\**\s*:\s*(.+)$/im
      .exec(report)?.[1]
      ?.replace(/\[\d[\d,\s]*\]/g, "")
      .trim() || undefined
  );
}

/**
 * The report's closing sections: the key images (crops and other images tools made, those cited
 * first; paths as the trajectory folder writes them) and the numbered sources.
 */
export function reportAppendix(report: string, evidence: readonly Evidence[], images: ImageSet): string {
  const cited = new Set([...report.matchAll(/\[(\d{1,4})\]/g)].map((match) => Number(match[1])));
  const pictures = evidence
    .filter((item) => item.kind === "image" && item.imageId)
    .sort((a, b) => Number(cited.has(b.id)) - Number(cited.has(a.id)))
    .slice(0, 6)
    .flatMap((item) => {
      const ref = images.byId(item.imageId as string);
      return ref ? [`![[${item.id}] ${item.text}](images/${ref.id}.${extensionForMime(ref.mime)})`] : [];
    });
  const sources = evidence
    .filter((item) => cited.has(item.id))
    .map(
      (item) =>
        `${item.id}. ${item.title ? `${item.title} — ` : ""}${item.url ?? `${item.source.tool} output`} (sub-question ${item.source.subQuestion}, step ${item.source.step}, call ${item.source.callId})`,
    );
  return [
    ...(pictures.length > 0 ? ["", "## Key images", "", ...pictures] : []),
    ...(sources.length > 0 ? ["", "## Sources", "", ...sources] : []),
  ].join("\n");
}
