import { createRequire } from "node:module";

/**
 * OpenCV 4.5 compiled to WebAssembly (@techstark/opencv-js), loaded once per process on first use
 * (about 1 s and 60 MB: a process that never searches by image never pays for it).
 *
 * The module object is ready only after its runtime initializes, and it has a `then` method of
 * its own (Emscripten's ready promise): resolving a promise with it, or returning it from an async
 * function, adopts it as a thenable and never settles. So it travels wrapped in an object until it
 * is ready, and then loses its `then`.
 */
// biome-ignore lint/suspicious/noExplicitAny: opencv-js ships loose types; the few calls used are wrapped in local-features.ts
export type OpenCv = any;

let loading: Promise<{ cv: OpenCv }> | undefined;

export async function openCv(): Promise<OpenCv> {
  loading ??= new Promise<{ cv: OpenCv }>((resolve, reject) => {
    try {
      const cv = createRequire(import.meta.url)("@techstark/opencv-js") as OpenCv;
      const ready = () => {
        delete cv.then;
        resolve({ cv });
      };
      if (cv.Mat) ready();
      else cv.onRuntimeInitialized = ready;
    } catch (error) {
      reject(error);
    }
  });
  return (await loading).cv;
}
