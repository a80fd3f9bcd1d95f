// Preloaded into a CLI child process: appends the URL of every module it loads to the file named
// by LOUPE_TEST_MODULE_LOG, so a test can check what a command imported (and what it did not).
import { register } from "node:module";

const file = process.env.LOUPE_TEST_MODULE_LOG;
if (file) {
  const hooks = `
    import { appendFileSync } from "node:fs";
    export async function load(url, context, nextLoad) {
      appendFileSync(${JSON.stringify(file)}, url + "\\n");
      return nextLoad(url, context);
    }`;
  register(`data:text/javascript,${encodeURIComponent(hooks)}`);
}
