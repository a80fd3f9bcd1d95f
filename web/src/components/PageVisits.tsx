/** Pages the model read: title, link, and the excerpt or summary it was given. */
export function PageVisits({ data }: { data: Record<string, unknown> }) {
  const pages = (Array.isArray(data.pages) ? data.pages : []) as {
    url: string;
    title: string;
    content: string;
    summarized: boolean;
  }[];
  return (
    <div className="pages">
      {pages.map((page) => (
        <details key={page.url} className="page" open={pages.length === 1}>
          <summary>
            <a href={page.url} target="_blank" rel="noreferrer noopener">
              {page.title || page.url}
            </a>{" "}
            <span className="muted">{page.summarized ? "summary" : "excerpt"}</span>
          </summary>
          <pre className="prose">{page.content}</pre>
        </details>
      ))}
    </div>
  );
}
