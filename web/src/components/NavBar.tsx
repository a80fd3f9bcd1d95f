import { ThemeToggle } from "./ThemeToggle.js";

/** The top bar: the viewer's pages (none in an exported file, which has no server) and the theme. */
export function NavBar({ exported }: { exported: boolean }) {
  return (
    <header className="navbar">
      <span className="brand">Loupe</span>
      {exported ? (
        <span className="muted">exported run</span>
      ) : (
        <nav aria-label="Pages">
          <a href="#/runs">Runs</a>
          <a href="#/ask">Ask</a>
        </nav>
      )}
      <ThemeToggle />
    </header>
  );
}
