/** The viewer's pages, from the URL's hash (so an exported file:// page routes too). */
export type Route =
  | { page: "runs" }
  | { page: "run"; id: string }
  | { page: "ask" }
  | { page: "compare"; left: string; right: string }
  | { page: "file" };

export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, "").split("/").filter(Boolean).map(decodeURIComponent);
  if (parts[0] === "runs" && parts[1]) return { page: "run", id: parts[1] };
  if (parts[0] === "ask") return { page: "ask" };
  if (parts[0] === "file") return { page: "file" };
  if (parts[0] === "compare" && parts[1] && parts[2])
    return { page: "compare", left: parts[1], right: parts[2] };
  return { page: "runs" };
}

export function routeHref(route: Route): string {
  switch (route.page) {
    case "run":
      return `#/runs/${encodeURIComponent(route.id)}`;
    case "compare":
      return `#/compare/${encodeURIComponent(route.left)}/${encodeURIComponent(route.right)}`;
    default:
      return `#/${route.page}`;
  }
}
