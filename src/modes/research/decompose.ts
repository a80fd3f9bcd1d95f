import type { ImageRef } from "../../core/images.js";
import type { Message } from "../../core/messages.js";
import { readJsonTolerantly } from "../../core/tolerant-json.js";

/**
 * The decomposition request: the question with its images (the model sees them: a sub-question
 * may be "identify the building in the image"), answered with a JSON array of sub-questions.
 */
export function decompositionMessages(question: string, images: readonly ImageRef[], max: number): Message[] {
  return [
    {
      role: "system",
      content: `You split a research question into at most ${max} sub-questions that can be researched separately and at the same time, each answerable by searching, reading pages or looking closely at the image. Reply with a JSON array of strings only.`,
    },
    {
      role: "user",
      content: [
        ...images.map((ref) => ({ type: "image" as const, imageId: ref.id })),
        { type: "text", text: `Question: ${question}` },
      ],
    },
  ];
}

/** The sub-questions of a reply (a JSON array of strings, tolerantly read); the question itself when none. */
export function readSubQuestions(reply: string, question: string, max: number): string[] {
  const start = reply.indexOf("[");
  const read = start >= 0 ? readJsonTolerantly(reply.slice(start)) : { ok: false as const, message: "" };
  const list =
    read.ok && Array.isArray(read.value)
      ? read.value
          .map((item) =>
            typeof item === "string"
              ? item
              : typeof item === "object" && item && "question" in item
                ? String(item.question)
                : "",
          )
          .map((item) => item.trim())
          .filter((item) => item !== "")
      : [];
  return list.length > 0 ? [...new Set(list)].slice(0, max) : [question];
}

/** Asks whether the evidence answers the question; what is still missing comes back as follow-ups. */
export function sufficiencyMessages(question: string, evidenceText: string): Message[] {
  return [
    {
      role: "system",
      content:
        'You judge whether gathered evidence answers a question. Reply with JSON only: {"answered": true} when it does, or {"answered": false, "followUps": ["a sub-question to research", ...]} naming what is still missing.',
    },
    {
      role: "user",
      content: [{ type: "text", text: `Question: ${question}\n\nEvidence:\n${evidenceText}` }],
    },
  ];
}

export function readSufficiency(reply: string, max: number): { answered: boolean; followUps: string[] } {
  const start = reply.indexOf("{");
  const read = start >= 0 ? readJsonTolerantly(reply.slice(start)) : undefined;
  if (!read?.ok || !read.value || typeof read.value !== "object") return { answered: true, followUps: [] };
  const value = read.value as { answered?: unknown; followUps?: unknown };
  const followUps = Array.isArray(value.followUps)
    ? value.followUps
        .filter((item): item is string => typeof item === "string" && item.trim() !== "")
        .slice(0, max)
    : [];
  return { answered: value.answered !== false || followUps.length === 0, followUps };
}
