// The scripted model server is public (`loupe/testing`), so users test their agents the same way.
export * from "../../src/testing/model-server.js";
