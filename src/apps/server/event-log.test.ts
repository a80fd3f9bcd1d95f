import { describe, expect, it } from "vitest";
import type { RunEvent } from "../../core/events.js";
import { EventLog, type LogEntry } from "./event-log.js";

const step = (n: number): RunEvent => ({ type: "step-start", step: n });

async function collect(entries: AsyncGenerator<LogEntry>): Promise<LogEntry[]> {
  const all: LogEntry[] = [];
  for await (const entry of entries) all.push(entry);
  return all;
}

describe("EventLog", () => {
  it("numbers events from 1 and replays those after an id", async () => {
    const log = new EventLog(10);
    for (let n = 1; n <= 5; n++) log.append(step(n));
    log.end();
    const after = await collect(log.follow(2));
    expect(after.map((entry) => entry.id)).toEqual([3, 4, 5]);
  });

  it("keeps at most its capacity, telling a late follower how many it missed", async () => {
    const log = new EventLog(3);
    for (let n = 1; n <= 10; n++) log.append(step(n));
    log.end();
    expect(log.firstId).toBe(8);
    const entries = await collect(log.follow(0));
    expect(entries[0]).toEqual({ id: 7, missed: 7 });
    expect(entries.slice(1).map((entry) => entry.id)).toEqual([8, 9, 10]);
  });

  it("follows a live run until it ends, and goes on across a resumed segment", async () => {
    const log = new EventLog(100);
    const seen = collect(log.follow(0));
    log.append(step(1));
    await new Promise((resolve) => setTimeout(resolve, 5));
    log.append(step(2));
    log.end();
    expect((await seen).map((entry) => entry.id)).toEqual([1, 2]);
    log.reopen();
    const more = collect(log.follow(2));
    log.append(step(3));
    log.end();
    expect((await more).map((entry) => entry.id)).toEqual([3]);
  });

  it("stops following when the reader's signal fires", async () => {
    const log = new EventLog(10);
    const stop = new AbortController();
    const seen = collect(log.follow(0, stop.signal));
    log.append(step(1));
    await new Promise((resolve) => setTimeout(resolve, 5));
    stop.abort();
    expect((await seen).map((entry) => entry.id)).toEqual([1]);
    expect(log.live).toBe(true);
  });
});
