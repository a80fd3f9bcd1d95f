import { EMBEDDED_RUN_ID, type EmbeddedRun, type RunData, type Trajectory } from "./run-data.js";

/** The run an exported HTML page carries, when this page is one. */
export function embeddedRun(): RunData | undefined {
  const element = document.getElementById(EMBEDDED_RUN_ID);
  if (!element?.textContent) return undefined;
  const embedded = JSON.parse(element.textContent) as EmbeddedRun;
  return {
    trajectory: embedded.trajectory,
    imageUrl: (id) => embedded.images[id] ?? "",
    source: "export",
  };
}

/** A run from `loupe serve`'s API: GET /v1/runs/:id, images from /v1/images/:hash. */
export async function serverRun(id: string, signal?: AbortSignal): Promise<RunData> {
  const response = await fetch(`/v1/runs/${encodeURIComponent(id)}`, signal ? { signal } : {});
  if (!response.ok) throw new Error(await errorText(response));
  const body = (await response.json()) as { trajectory: Trajectory | null };
  if (!body.trajectory) throw new Error(`Run ${id} has no trajectory yet.`);
  return { trajectory: body.trajectory, imageUrl: (image) => `/v1/images/${image}`, source: "server" };
}

export async function errorText(response: Response): Promise<string> {
  try {
    const body = (await response.json()) as { error?: { message?: string } };
    return body.error?.message ?? `${response.status} ${response.statusText}`;
  } catch {
    return `${response.status} ${response.statusText}`;
  }
}

/**
 * A run from dropped files: one self-contained trajectory file (images as base64 `data`, as
 * `loupe runs export --file` writes it), or a trajectory folder's trajectory.json with its image
 * files beside it (matched by the record's `file` name).
 */
export async function droppedRun(files: File[]): Promise<RunData> {
  const json =
    files.find((file) => file.name === "trajectory.json") ?? files.find((f) => f.name.endsWith(".json"));
  if (!json) throw new Error("Drop a trajectory.json, a run folder, or an exported run file (.json).");
  const parsed = JSON.parse(await json.text()) as Trajectory & {
    images: (Trajectory["images"][number] & { data?: string })[];
  };
  if (!parsed || !Array.isArray(parsed.steps) || !Array.isArray(parsed.images))
    throw new Error(`${json.name} is not a Loupe trajectory.`);
  const urls: Record<string, string> = {};
  const byName = new Map(files.map((file) => [relativeName(file), file]));
  for (const record of parsed.images) {
    if (record.data) urls[record.id] = `data:${record.mime};base64,${record.data}`;
    else if (record.file) {
      const file = byName.get(record.file) ?? files.find((f) => record.file?.endsWith(f.name));
      if (file) urls[record.id] = URL.createObjectURL(file);
    }
  }
  return { trajectory: parsed, imageUrl: (id) => urls[id] ?? "", source: "file" };
}

/** A dropped file's path inside the dropped folder, without the folder's own name. */
function relativeName(file: File): string {
  const path = (file as File & { relativePath?: string }).relativePath ?? file.webkitRelativePath ?? "";
  return path.includes("/") ? path.split("/").slice(1).join("/") : file.name;
}

/** Every file of a drop, folders walked (their files keep their path as `relativePath`). */
export async function filesOfDrop(transfer: DataTransfer): Promise<File[]> {
  const entries = [...transfer.items]
    .map((item) => item.webkitGetAsEntry?.())
    .filter((entry): entry is FileSystemEntry => Boolean(entry));
  if (entries.length === 0) return [...transfer.files];
  const files: File[] = [];
  const walk = async (entry: FileSystemEntry, path: string): Promise<void> => {
    if (entry.isFile) {
      const file = await new Promise<File>((resolve, reject) =>
        (entry as FileSystemFileEntry).file(resolve, reject),
      );
      Object.defineProperty(file, "relativePath", { value: `${path}${file.name}` });
      files.push(file);
    } else if (entry.isDirectory) {
      const reader = (entry as FileSystemDirectoryEntry).createReader();
      for (;;) {
        const batch = await new Promise<FileSystemEntry[]>((resolve, reject) =>
          reader.readEntries(resolve, reject),
        );
        if (batch.length === 0) break;
        for (const child of batch) await walk(child, `${path}${entry.name}/`);
      }
    }
  };
  for (const entry of entries) await walk(entry, "");
  return files;
}
