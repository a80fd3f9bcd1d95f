import type { RunData } from "../data/run-data.js";

interface Hit {
  title?: string;
  url?: string;
  link?: string;
  snippet?: string;
  date?: string;
  imageId?: string;
}

/** Search results as cards: title linking to the page, snippet, date, thumbnail when fetched. */
export function SearchResults({ run, data }: { run: RunData; data: Record<string, unknown> }) {
  const groups = (Array.isArray(data.results) ? data.results : []) as Hit[][];
  const queries = (Array.isArray(data.queries) ? data.queries : []) as string[];
  return (
    <div className="search-results">
      {groups.map((hits, group) => (
        <section
          key={queries[group] ?? group}
          aria-label={`Results for ${queries[group] ?? `query ${group + 1}`}`}
        >
          {queries[group] && <h4>“{queries[group]}”</h4>}
          <ul className="cards">
            {hits.map((hit, index) => {
              const href = hit.url ?? hit.link ?? "";
              return (
                // biome-ignore lint/suspicious/noArrayIndexKey: a result list is fixed; a URL may repeat.
                <li className="card" key={`${href}-${index}`}>
                  {hit.imageId && <img src={run.imageUrl(hit.imageId)} alt="" loading="lazy" />}
                  <a href={href} target="_blank" rel="noreferrer noopener">
                    {hit.title || href}
                  </a>
                  {hit.snippet && <p>{hit.snippet}</p>}
                  <small className="muted">
                    {safeHost(href)}
                    {hit.date ? ` · ${hit.date}` : ""}
                  </small>
                </li>
              );
            })}
          </ul>
        </section>
      ))}
      {typeof data.backend === "string" && <small className="muted">via {data.backend}</small>}
    </div>
  );
}

function safeHost(href: string): string {
  try {
    return new URL(href).host;
  } catch {
    return href;
  }
}
