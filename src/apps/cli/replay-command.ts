import { relative } from "node:path";
import { Command } from "commander";
import { replayEvents } from "../../agent/replay-events.js";
import { imageFileName, readTrajectory } from "../../store/trajectory-folder.js";
import { createEventRenderer } from "./event-renderer.js";

export function replayCommand(): Command {
  return new Command("replay")
    .description("re-render a recorded run from its trajectory folder or trajectory.json")
    .argument("<trajectory>", "a run folder or its trajectory.json")
    .option("--json", "print the validated trajectory as JSON instead")
    .action(async (location: string, flags: { json?: boolean }) => {
      const { trajectory, images, dir } = await readTrajectory(location);
      if (flags.json) {
        process.stdout.write(`${JSON.stringify(trajectory, null, 2)}\n`);
        return;
      }
      const render = createEventRenderer({
        write: (text) => process.stdout.write(text),
        imagePath: (image) => relative(process.cwd(), `${dir}/${imageFileName(image)}`),
      });
      for (const event of replayEvents(trajectory, images)) render(event);
    });
}
