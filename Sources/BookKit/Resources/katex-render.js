// Run by Node at build time (KaTeX.swift): reads a JSON array of {tex, display} from the file named by its
// argument, writes a JSON array of {html} or {error}. Only \href to an in-page anchor is trusted (our \eqref).
const katex = require("katex");
const fs = require("fs");
const items = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
const options = (display) => ({
  displayMode: display, throwOnError: true, output: "htmlAndMathml", strict: "ignore",
  trust: (context) => context.command === "\\href" && context.url.startsWith("#"),
});
const out = items.map((item) => {
  try { return { html: katex.renderToString(item.tex, options(item.display)) }; }
  catch (error) { return { error: String(error.message || error) }; }
});
process.stdout.write(JSON.stringify(out));
