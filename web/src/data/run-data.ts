import type { ImageRecord, StepRecord, Trajectory } from "../../../src/core/trajectory.js";

export type { ImageRecord, StepRecord, Trajectory };

/** A run as the viewer shows it: the trajectory, and where each image's bytes are. */
export interface RunData {
  trajectory: Trajectory;
  /** A URL the browser can load for an image id (the server's, a data: or a blob: URL). */
  imageUrl(id: string): string;
  /** Where it came from, for the page's heading: "server", "file", "export". */
  source: "server" | "file" | "export";
}

/** What `loupe runs export --html` embeds: the trajectory and each image as a data: URL. */
export interface EmbeddedRun {
  trajectory: Trajectory;
  images: Record<string, string>;
}

/** The id of the script element the HTML export writes the run into. */
export const EMBEDDED_RUN_ID = "loupe-run";
