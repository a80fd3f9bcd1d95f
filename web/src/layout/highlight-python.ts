export type TokenKind = "keyword" | "string" | "comment" | "number" | "builtin" | "text";

export interface Token {
  kind: TokenKind;
  text: string;
}

const keywords = new Set(
  "False None True and as assert async await break class continue def del elif else except finally for from global if import in is lambda nonlocal not or pass raise return try while with yield match case".split(
    " ",
  ),
);
const builtins = new Set(
  "print len range int float str list dict set tuple open min max sum abs sorted enumerate zip".split(" "),
);

// Strings (triple-quoted first, with prefixes), comments, numbers, words, anything else.
const pattern =
  /([rRbBuUfF]{0,2}(?:"""[\s\S]*?(?:"""|$)|'''[\s\S]*?(?:'''|$)|"(?:\\.|[^"\\\n])*"?|'(?:\\.|[^'\\\n])*'?))|(#[^\n]*)|(\b\d[\d_]*(?:\.\d*)?(?:[eE][+-]?\d+)?j?\b)|([A-Za-z_][A-Za-z0-9_]*)|([\s\S])/g;

/**
 * Python source as tokens for highlighting: keywords, strings, comments, numbers and common
 * builtins; everything else is text. Joined back, the tokens are the source exactly.
 */
export function highlightPython(source: string): Token[] {
  const tokens: Token[] = [];
  const push = (kind: TokenKind, text: string) => {
    const last = tokens.at(-1);
    if (last && last.kind === kind && kind === "text") last.text += text;
    else tokens.push({ kind, text });
  };
  for (const match of source.matchAll(pattern)) {
    const [whole, string, comment, number, word] = match;
    if (string !== undefined) push("string", whole);
    else if (comment !== undefined) push("comment", whole);
    else if (number !== undefined) push("number", whole);
    else if (word !== undefined)
      push(keywords.has(word) ? "keyword" : builtins.has(word) ? "builtin" : "text", whole);
    else push("text", whole);
  }
  return tokens;
}
