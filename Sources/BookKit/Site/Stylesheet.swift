/// The site's stylesheet: readable measure, monospaced code, outputs visibly distinct from code, dark mode
/// following the system.
enum Stylesheet {
    static let css = """
    :root { --fg: #1d1f21; --bg: #fdfdfc; --muted: #5c6166; --code-bg: #f3f4f6; --out-bg: #eef6ee; --out-edge: #3f8f4f;
      --err-bg: #fdeeee; --err-edge: #b3261e; --link: #0b57d0; --kw: #8a2be2; --str: #b35900; --num: #0a7a6b;
      --com: #6a737d; --type: #1f5fa8; --attr: #a0522d; }
    @media (prefers-color-scheme: dark) {
      :root { --fg: #e3e3e3; --bg: #15171a; --muted: #9aa0a6; --code-bg: #1f2226; --out-bg: #17251b; --out-edge: #5cb270;
        --err-bg: #2d1717; --err-edge: #f28b82; --link: #8ab4f8; --kw: #c792ea; --str: #f5a85f; --num: #5fd3bc;
        --com: #8b949e; --type: #82aaff; --attr: #f78c6c; }
    }
    * { box-sizing: border-box; }
    body { margin: 0; color: var(--fg); background: var(--bg); font: 17px/1.6 Georgia, "Times New Roman", serif; }
    .layout { display: grid; grid-template-columns: 17rem minmax(0, 1fr); gap: 2rem; max-width: 72rem; margin: 0 auto; }
    main { max-width: 46rem; width: 100%; padding: 1.5rem 1rem 3rem; min-width: 0; }
    .sidebar { position: sticky; top: 0; align-self: start; max-height: 100vh; overflow-y: auto; padding: 1.5rem 0.5rem 2rem 1rem;
      font: 0.88rem/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; border-right: 1px solid var(--code-bg); }
    .sidebar ol { list-style: none; padding-left: 0; margin: 0; }
    .sidebar .chapters > li { margin: 0.35rem 0; }
    .sidebar .current > a { font-weight: 600; color: var(--fg); }
    .sidebar .sections { margin: 0.3rem 0 0.5rem 0.7rem; border-left: 2px solid var(--code-bg); padding-left: 0.6rem; }
    .sidebar .sections .level-3 { margin-left: 0.8rem; }
    .sidebar a { text-decoration: none; }
    .book-title { font-weight: 700; margin: 0 0 0.8rem; }
    .search input { width: 100%; padding: 0.35rem 0.5rem; border: 1px solid var(--muted); border-radius: 4px; background: var(--bg); color: var(--fg); font: inherit; }
    #search-results { margin: 0.4rem 0 0.8rem; padding: 0.3rem 0.5rem; border: 1px solid var(--code-bg); border-radius: 4px; }
    #search-results li { margin: 0.25rem 0; }
    .chapter-summary { font-size: 1.1rem; color: var(--muted); margin-top: -0.4rem; }
    .original { font: 0.9rem system-ui, sans-serif; color: var(--muted); }
    .box { border: 1px solid var(--code-bg); border-left: 4px solid var(--link); border-radius: 0 6px 6px 0; padding: 0.2rem 1rem 0.4rem; margin: 1.2rem 0; font-size: 0.95rem; }
    .differences-box { border-left-color: var(--attr); }
    .box-title { font-size: 0.85rem; text-transform: uppercase; letter-spacing: 0.05em; color: var(--muted); margin: 0.6rem 0 0.3rem; }
    .box ul { padding-left: 0; list-style: none; } .box li { margin: 0.3rem 0; }
    .differences-box ul { padding-left: 1.2rem; list-style: disc; }
    .mark { display: inline-block; width: 1.2em; font-weight: 700; }
    .reproduced .mark { color: var(--num); } .qualitative .mark { color: var(--str); } .not-reproduced .mark { color: var(--err-edge); }
    .status { color: var(--muted); font-size: 0.85em; }
    .claims-box .decision { display: block; color: var(--muted); font-size: 0.85em; margin-top: 0.15em; }
    table.claims td, table.claims th { vertical-align: top; text-align: left; }
    .decided { font-size: 0.75em; border: 1px solid var(--muted); border-radius: 3px; padding: 0 0.3em; color: var(--muted); }
    .tally { color: var(--muted); }
    pre.code { position: relative; }
    button.copy { position: absolute; top: 0.4rem; right: 0.4rem; font: 0.72rem system-ui, sans-serif; padding: 0.15rem 0.5rem;
      border: 1px solid var(--muted); border-radius: 4px; background: var(--bg); color: var(--muted); cursor: pointer; opacity: 0.6; }
    pre.code:hover button.copy, button.copy:focus { opacity: 1; }
    .equation { display: block; }
    /* Wide content scrolls inside its own box, never the page (checked at 360 px by BrowserTests). */
    .katex-display { overflow-x: auto; overflow-y: hidden; padding: 0.2em 0; }
    table { display: block; max-width: 100%; overflow-x: auto; }
    main p, main li { overflow-wrap: break-word; }
    :root { --s0: #1f77b4; --s1: #d62728; --s2: #2ca02c; --s3: #9467bd; --s4: #ff7f0e; --s5: #17becf; }
    @media (prefers-color-scheme: dark) { :root { --s0: #6cb4ee; --s1: #ff7b72; --s2: #7ee787; --s3: #d2a8ff; --s4: #ffa657; --s5: #56d4dd; } }
    figure.plot-figure { margin: 1rem 0; }
    svg.plot { width: 100%; height: auto; font-family: system-ui, sans-serif; }
    svg.plot .plot-title { font-size: 15px; font-weight: 600; fill: var(--fg); }
    svg.plot .tick, svg.plot .legend-text { font-size: 11px; fill: var(--muted); }
    svg.plot .axis-label { font-size: 12px; fill: var(--fg); }
    svg.plot .grid { stroke: var(--code-bg); stroke-width: 1; }
    svg.plot .frame { fill: none; stroke: var(--muted); stroke-width: 1; }
    svg.plot .line { fill: none; stroke-width: 2; }
    svg.plot .band { fill-opacity: 0.2; stroke: none; }
    svg.plot .heat { fill: var(--s0); }
    svg.plot .legend-box { fill: var(--bg); fill-opacity: 0.85; stroke: var(--code-bg); }
    .nowrap { white-space: nowrap; }
    .series-0 { fill: var(--s0); stroke: var(--s0); } .series-1 { fill: var(--s1); stroke: var(--s1); }
    .series-2 { fill: var(--s2); stroke: var(--s2); } .series-3 { fill: var(--s3); stroke: var(--s3); }
    .series-4 { fill: var(--s4); stroke: var(--s4); } .series-5 { fill: var(--s5); stroke: var(--s5); }
    polyline.line { fill: none !important; }
    figcaption { font: 0.9rem system-ui, sans-serif; color: var(--muted); margin-top: 0.3rem; }
    .figure-number { font-weight: 600; color: var(--fg); }
    .math-error { color: var(--err-edge); font-family: monospace; }
    details.long-output > summary { cursor: pointer; font: 0.8rem system-ui, sans-serif; color: var(--muted); padding: 0.45rem 0.9rem; }
    @media (max-width: 900px) {
      .layout { display: block; }
      .sidebar { position: static; max-height: none; border-right: none; border-bottom: 1px solid var(--code-bg); padding: 1rem; }
      .sidebar .chapters { columns: 1; }
    }
    a { color: var(--link); }
    h1, h2, h3, h4 { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; line-height: 1.25; }
    .anchor { float: left; margin-left: -1.2em; width: 1em; text-decoration: none; color: var(--muted); visibility: hidden; }
    h1:hover .anchor, h2:hover .anchor, h3:hover .anchor, h4:hover .anchor { visibility: visible; }
    code, pre { font-family: ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 0.86em; }
    :not(pre) > code { background: var(--code-bg); padding: 0.1em 0.3em; border-radius: 3px; }
    pre { overflow-x: auto; padding: 0.7rem 0.9rem; margin: 0; line-height: 1.45; }
    pre.code, article > pre { background: var(--code-bg); border-radius: 6px; }
    figure.snippet { margin: 1.2rem 0; }
    .output, .stdin, .stderr, .trap, .diagnostic { margin-top: 0.35rem; border-left: 4px solid var(--out-edge); background: var(--out-bg); border-radius: 0 6px 6px 0; }
    .stderr, .trap, .diagnostic { border-left-color: var(--err-edge); background: var(--err-bg); }
    .label { font: 600 0.72rem/1 system-ui, sans-serif; text-transform: uppercase; letter-spacing: 0.05em; color: var(--muted); padding: 0.45rem 0.9rem 0; }
    .note { font: 0.8rem system-ui, sans-serif; color: var(--muted); margin-top: 0.3rem; }
    details.setup { margin: 1rem 0; }
    details.setup summary { cursor: pointer; font: 0.85rem system-ui, sans-serif; color: var(--muted); }
    .build-errors { border: 2px solid var(--err-edge); background: var(--err-bg); border-radius: 6px; padding: 0 1rem 1rem; }
    .build-errors pre { white-space: pre-wrap; }
    .tok-keyword { color: var(--kw); } .tok-string { color: var(--str); } .tok-number { color: var(--num); }
    .tok-comment { color: var(--com); font-style: italic; } .tok-type { color: var(--type); }
    .tok-attribute, .tok-directive { color: var(--attr); }
    .tok-placeholder { color: var(--attr); border: 1px solid var(--attr); border-radius: 4px; padding: 0 1px; }
    .math.display { display: block; overflow-x: auto; margin: 0.8rem 0; text-align: center; }
    table { border-collapse: collapse; margin: 1rem 0; } th, td { border: 1px solid var(--code-bg); padding: 0.3rem 0.6rem; }
    .toc ol { padding-left: 1.2rem; } .toc li { margin-bottom: 0.8rem; } .summary { margin: 0.1rem 0 0; color: var(--muted); }
    .subtitle { color: var(--muted); margin-top: -0.5rem; }
    .crumbs { font: 0.85rem system-ui, sans-serif; }
    .pager { display: flex; justify-content: space-between; gap: 1rem; margin-top: 3rem; font-family: system-ui, sans-serif; }
    .pager .next { margin-left: auto; text-align: right; }
    .stamp { text-align: center; color: var(--muted); font: 0.75rem system-ui, sans-serif; padding: 1rem; }
    @media print { .sidebar, .pager, .crumbs, .anchor, button.copy { display: none; } .layout { display: block; } pre { white-space: pre-wrap; } }
    """
}
