import { useEffect, useMemo, useState } from "react";
import { embeddedRun } from "../data/load-run.js";
import { parseRoute } from "../data/route.js";
import type { RunData } from "../data/run-data.js";
import { AskPage } from "./AskPage.js";
import { ComparePage } from "./ComparePage.js";
import { DropZone } from "./DropZone.js";
import { NavBar } from "./NavBar.js";
import { RunsList } from "./RunsList.js";
import { RunView } from "./RunView.js";
import { ServerRun } from "./ServerRun.js";

/** The viewer: an exported run on its own, or the server's pages by the URL's hash. */
export function App() {
  const embedded = useMemo(embeddedRun, []);
  const [hash, setHash] = useState(window.location.hash);
  const [dropped, setDropped] = useState<RunData | undefined>();
  useEffect(() => {
    const onChange = () => setHash(window.location.hash);
    window.addEventListener("hashchange", onChange);
    return () => window.removeEventListener("hashchange", onChange);
  }, []);
  if (embedded)
    return (
      <Shell exported>
        <RunView run={embedded} />
      </Shell>
    );
  const route = parseRoute(hash);
  const open = (run: RunData) => {
    setDropped(run);
    window.location.hash = "#/file";
  };
  return (
    <Shell>
      <DropZone onRun={open}>
        {route.page === "run" && <ServerRun id={route.id} />}
        {route.page === "ask" && <AskPage />}
        {route.page === "compare" && <ComparePage left={route.left} right={route.right} />}
        {route.page === "file" &&
          (dropped ? (
            <RunView run={dropped} />
          ) : (
            <p>Drop a trajectory folder or file anywhere on the page.</p>
          ))}
        {route.page === "runs" && <RunsList />}
      </DropZone>
    </Shell>
  );
}

function Shell({ children, exported = false }: { children: React.ReactNode; exported?: boolean }) {
  return (
    <>
      <NavBar exported={exported} />
      <main id="main">{children}</main>
    </>
  );
}
