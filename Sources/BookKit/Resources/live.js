// Live figures (issue 18; written to the site as live.js). A live figure's function, compiled from the book's
// Swift to WebAssembly, is embedded in the page (script.live-module, base64); when the reader moves one of the
// figure's controls, the module recomputes the series and this script redraws the figure's SVG the way SVGPlot
// drew it: same geometry (data-frame, data-x, data-y), same classes (so the same colours in light, dark and
// print), same markers, direct labels moved along. Optional: without it (or when a module fails) the page keeps
// the static figure and the controls stay hidden. Offline: nothing is fetched.
//
// The module has no imports and exports `memory`, `live_params()` (the address of 16 float32 parameter slots)
// and `live_run()` (the address of the result: float32s [S, then per series n, x_0..x_{n-1}, y_0..y_{n-1}]).
(function () {
  "use strict";
  const SVG = "http://www.w3.org/2000/svg";
  // SVGPlot's and DirectLabels' sizes (viewBox units): the labels' font size, line height, gap and advance.
  const TEXT = 15, LINE = TEXT * 1.2, GAP = 2, ADVANCE = 0.62, MARKERS = 7;
  // SVGPlot.shapes: a marker's path after its centre, for a series the static figure drew without markers.
  const SHAPES = [
    "m-4,0a4,4 0 1,0 8,0a4,4 0 1,0 -8,0z", "m-3.6,-3.6h7.2v7.2h-7.2z", "m0,-4.8l4.4,7.6h-8.8z",
    "m0,-5l5,5l-5,5l-5,-5z", "m0,4.8l4.4,-7.6h-8.8z", "m-1.5,-5h3v3.5h3.5v3h-3.5v3.5h-3v-3.5h-3.5v-3h3.5z",
  ];
  let clips = 0;

  // Swift's String(format: "%.1f"): how SVGPlot writes coordinates.
  const f = (value) => value.toFixed(1);
  const numbers = (text) => (text || "").trim().split(/\s+/).map(Number);

  // Where the plot's frame is and how data maps into it (SVGPlot.layout and SVGPlot.position).
  function geometry(svg) {
    const [left, top, width, height] = numbers(svg.getAttribute("data-frame"));
    const [xLow, xHigh, xLog] = numbers(svg.getAttribute("data-x"));
    const [yLow, yHigh, yLog] = numbers(svg.getAttribute("data-y"));
    if (![left, top, width, height, xLow, xHigh, yLow, yHigh].every(Number.isFinite)) {
      throw new Error("the SVG has no data-frame, data-x and data-y");
    }
    const position = (v, low, high, log) =>
      log ? (Math.log10(v) - Math.log10(low)) / (Math.log10(high) - Math.log10(low)) : (v - low) / (high - low);
    return {
      left, top, width, height, bottom: top + height, right: left + width,
      // A point is drawn when both values are finite and positive on a log axis.
      valid: (x, y) => Number.isFinite(x) && Number.isFinite(y) && (xLog !== 1 || x > 0) && (yLog !== 1 || y > 0),
      x: (x) => left + position(x, xLow, xHigh, xLog === 1) * width,
      y: (y) => top + (1 - position(y, yLow, yHigh, yLog === 1)) * height,
    };
  }

  // The decimals a control's value shows: those of its step ("0.25": 2, "1": 0, "1e-3": 3); null for "any".
  function decimals(step) {
    const match = /^\d*(?:\.(\d+))?(?:e-(\d+))?$/i.exec(step || "1");
    return match ? Math.min(20, (match[1] || "").length + Number(match[2] || 0)) : null;
  }

  // Runs the module with the controls' values and reads its series: [{xs, ys}] (numbers as the module's float32s).
  function run(exports, controls) {
    const slots = exports.live_params() >>> 0;
    let view = new DataView(exports.memory.buffer);
    for (const input of controls) view.setFloat32(slots + 4 * Number(input.dataset.index), Number(input.value), true);
    const address = exports.live_run() >>> 0;
    view = new DataView(exports.memory.buffer); // the call may have grown the memory: a new buffer
    let at = address;
    // A count at `at`, at most `limit` (the series, or the points that fit in the memory after it).
    const count = (limit) => {
      const value = at + 4 <= view.byteLength ? view.getFloat32(at, true) : NaN;
      at += 4;
      if (!Number.isInteger(value) || value < 0 || value > limit) throw new Error("malformed result at " + address);
      return value;
    };
    const series = [];
    for (let s = count(1000); s > 0; s--) {
      const n = count((view.byteLength - at - 4) / 8);
      const xs = new Array(n), ys = new Array(n);
      for (let i = 0; i < n; i++) {
        xs[i] = view.getFloat32(at + 4 * i, true);
        ys[i] = view.getFloat32(at + 4 * (n + i), true);
      }
      at += 8 * n;
      series.push({ xs, ys });
    }
    return series;
  }

  // SVGPlot.markerIndices: which of `count` points of series `index` (of `total`) get a marker.
  function markerIndices(index, total, count) {
    const shown = Math.min(count, MARKERS), phase = index / Math.max(1, total), out = [];
    for (let j = 0; j < shown; j++) out.push(Math.min(count - 1, Math.floor((j + 0.5 * phase) * count / shown)));
    return out;
  }

  // DirectLabels.stack: centres for blocks of `heights` as close as possible to the `desired` centres without
  // overlapping, inside [low, high]; null when they do not fit. Overlapping neighbours merge into one cluster
  // centred on the mean of what its blocks want.
  function stack(desired, heights, low, high) {
    const sum = (blocks) => blocks.reduce((total, b) => total + heights[b], 0);
    if (sum(heights.map((_, i) => i)) > high - low + 1e-9) return null;
    const settle = (blocks) => {
      let offset = 0, want = 0;
      for (const b of blocks) { want += desired[b] - (offset + heights[b] / 2); offset += heights[b]; }
      return Math.min(Math.max(want / blocks.length, low), high - sum(blocks));
    };
    const clusters = [];
    for (const b of desired.map((_, i) => i).sort((i, j) => desired[i] - desired[j])) {
      clusters.push({ blocks: [b], top: settle([b]) });
      while (clusters.length > 1) {
        const last = clusters[clusters.length - 1], previous = clusters[clusters.length - 2];
        if (previous.top + sum(previous.blocks) <= last.top) break;
        clusters.splice(-2, 2);
        const blocks = previous.blocks.concat(last.blocks);
        clusters.push({ blocks, top: settle(blocks) });
      }
    }
    const centres = [];
    for (const cluster of clusters) {
      let y = cluster.top;
      for (const b of cluster.blocks) { centres[b] = y + heights[b] / 2; y += heights[b]; }
    }
    return centres;
  }

  // The direct labels as SVGPlot placed them: per label its series, lines, horizontal extent, where its centre sat
  // relative to its series' end (0 for a label that was nudged and got a leader line) and that leader.
  function readLabels(svg, ends) {
    return Array.from(svg.querySelectorAll("text.direct-label")).map((text) => {
      const series = Number(text.getAttribute("data-series"));
      // Lines after the first are tspans with dy; other tspans (subscripts) belong to their line.
      const breaks = Array.from(text.children).filter((t) => t.hasAttribute("dy"));
      const first = Array.from(text.childNodes).filter((n) => !breaks.includes(n)).map((n) => n.textContent).join("");
      const lines = [first].concat(breaks.map((t) => t.textContent));
      const width = Math.max(...lines.map((l) => l.length)) * TEXT * ADVANCE;
      const x = Number(text.getAttribute("x")), end = text.getAttribute("text-anchor") === "end";
      const baseline = Number(text.getAttribute("y"));
      const centre = baseline + lines.length * LINE / 2 - (LINE - TEXT) / 2 - 0.78 * TEXT;
      const previous = text.previousElementSibling;
      const leader = previous && previous.classList.contains("leader") ? previous : null;
      const offset = leader || !Number.isFinite(ends[series]) ? 0 : centre - ends[series];
      return { text, series, count: lines.length, from: end ? x - width : x, to: end ? x : x + width, offset, leader };
    });
  }

  // Moves the labels to their series' new ends (x kept), inside the frame, apart where they would overlap: labels
  // whose horizontal extents overlap are stacked together as DirectLabels stacks them. Leader lines are hidden.
  function moveLabels(labels, ends, frame) {
    const shown = labels.filter((label) => Number.isFinite(ends[label.series]));
    for (const label of labels) {
      if (label.leader) label.leader.setAttribute("display", "none");
      label.text.toggleAttribute("display", false);
      if (!shown.includes(label)) label.text.setAttribute("display", "none");
    }
    // Groups of labels that share some horizontal extent (usually one: the column right of the data).
    const groups = [];
    for (const label of shown.slice().sort((a, b) => a.from - b.from)) {
      const group = groups[groups.length - 1];
      if (group && label.from < group.to) { group.labels.push(label); group.to = Math.max(group.to, label.to); }
      else groups.push({ labels: [label], to: label.to });
    }
    for (const { labels: group } of groups) {
      const heights = group.map((label) => label.count * LINE + GAP);
      const desired = group.map((label) => ends[label.series] + label.offset);
      const centres = stack(desired, heights, frame.top, frame.bottom) ||
        desired.map((y, i) => Math.min(Math.max(y, frame.top + heights[i] / 2), frame.bottom - heights[i] / 2));
      group.forEach((label, i) => {
        const baseline = centres[i] - label.count * LINE / 2 + (LINE - TEXT) / 2 + 0.78 * TEXT;
        label.text.setAttribute("y", f(baseline)); // tspans follow: they move by dy
      });
    }
  }

  // Sets up one figure: instantiates its module, checks that it runs, and wires its controls.
  async function setUp(figure) {
    const svg = figure.querySelector("svg.plot"), form = figure.querySelector("form.live-controls");
    const script = figure.querySelector("script.live-module");
    if (!svg || !form || !script) throw new Error("it needs svg.plot, form.live-controls and script.live-module");
    const frame = geometry(svg);
    const controls = Array.from(form.querySelectorAll("input[data-index]"));
    if (controls.some((c) => !(Number(c.dataset.index) >= 0 && Number(c.dataset.index) < 16))) {
      throw new Error("a control's data-index is not one of the 16 parameter slots");
    }
    const bytes = Uint8Array.from(atob(script.textContent.replace(/\s+/g, "")), (c) => c.charCodeAt(0));
    const { instance } = await WebAssembly.instantiate(bytes, {});
    const exports = instance.exports;
    if (!(exports.memory instanceof WebAssembly.Memory) || typeof exports.live_params !== "function" ||
        typeof exports.live_run !== "function") {
      throw new Error("the module does not export memory, live_params and live_run");
    }
    const groups = Array.from(svg.querySelectorAll("g.series"));
    const first = run(exports, controls); // a module that cannot compute its figure is not offered
    if (first.length !== groups.length) {
      throw new Error("the module computes " + first.length + " series, the figure has " + groups.length);
    }

    const series = groups.map((group, k) => {
      const line = group.querySelector("polyline");
      const marker = group.querySelector("path.marker");
      const d = marker ? marker.getAttribute("d") : "";
      return {
        group, line,
        markers: Array.from(group.querySelectorAll("path.marker")),
        shape: d.indexOf("m") > 0 ? d.slice(d.indexOf("m")) : SHAPES[k % SHAPES.length],
        markerClass: marker ? marker.getAttribute("class") : "series-" + (k % 6) + " marker",
      };
    });
    // Each series' end as drawn (the last point of its polyline), for the labels' offsets.
    const ends = series.map((s) => {
      const points = numbers(s.line && s.line.getAttribute("points").replace(/,/g, " "));
      return points.length >= 2 ? points[points.length - 1] : NaN;
    });
    const labels = readLabels(svg, ends);

    // Before the first redraw (a page nobody interacts with keeps its static DOM): print shows the static figure
    // (the caption describes it; the controls are not printed), so a copy of it goes after the SVG, hidden on
    // screen (style.css); lines that leave the frame are clipped to it (markers outside it are not drawn, so the
    // markers at its edges stay whole).
    let prepared = false;
    function prepare() {
      prepared = true;
      const copy = svg.cloneNode(true);
      copy.classList.add("live-print");
      copy.setAttribute("aria-hidden", "true");
      svg.classList.add("live-screen");
      svg.after(copy);
      const clip = document.createElementNS(SVG, "clipPath"), rect = document.createElementNS(SVG, "rect");
      do clip.id = "live-clip-" + ++clips; while (document.getElementById(clip.id));
      Object.entries({ x: frame.left, y: frame.top, width: frame.width, height: frame.height })
        .forEach(([name, value]) => rect.setAttribute(name, value));
      clip.appendChild(rect);
      const defs = document.createElementNS(SVG, "defs");
      defs.appendChild(clip);
      svg.appendChild(defs);
      for (const s of series) if (s.line) s.line.setAttribute("clip-path", "url(#" + clip.id + ")");
    }

    function redraw(data) {
      if (!prepared) prepare();
      const lastY = [];
      series.forEach((s, k) => {
        const { xs, ys } = data[k] || { xs: [], ys: [] };
        const points = [];
        for (let i = 0; i < xs.length; i++) {
          if (frame.valid(xs[i], ys[i])) points.push([frame.x(xs[i]), frame.y(ys[i])]);
        }
        if (s.line) s.line.setAttribute("points", points.map(([x, y]) => f(x) + "," + f(y)).join(" "));
        lastY[k] = points.length ? points[points.length - 1][1] : NaN;
        // Markers where SVGPlot puts them, drawn only inside the frame; path elements are reused.
        const inside = ([x, y]) => x >= frame.left - 0.05 && x <= frame.right + 0.05 &&
          y >= frame.top - 0.05 && y <= frame.bottom + 0.05;
        const at = markerIndices(k, data.length, points.length).map((i) => points[i]).filter(inside);
        at.forEach(([x, y], j) => {
          let path = s.markers[j];
          if (!path) {
            path = s.markers[j] = document.createElementNS(SVG, "path");
            path.setAttribute("class", s.markerClass);
          }
          path.setAttribute("d", "M" + f(x) + "," + f(y) + s.shape);
          if (!path.parentNode) s.group.appendChild(path);
        });
        s.markers.slice(at.length).forEach((path) => path.remove());
        s.markers.length = Math.min(s.markers.length, at.length);
      });
      moveLabels(labels, lastY, frame);
    }

    let reported = false;
    function update(started) {
      try {
        redraw(run(exports, controls));
      } catch (error) {
        // A trap (a precondition of the Swift code) or a malformed result: the figure keeps its last drawing,
        // dimmed while data-live-error is set (style.css); said once on the console.
        figure.dataset.liveError = String(error && error.message || error);
        if (!reported) {
          console.error("live figure " + (figure.id || "") + ": the module failed for these values (" +
            figure.dataset.liveError + "); the figure keeps its last drawing");
        }
        reported = true;
        return;
      }
      delete figure.dataset.liveError;
      const now = performance.now();
      figure.dataset.liveDraws = Number(figure.dataset.liveDraws || 0) + 1;
      figure.dataset.liveMs = (now - started).toFixed(2);
      if (!figure.dataset.liveFirstMs) figure.dataset.liveFirstMs = now.toFixed(1);
    }

    function show(input) {
      const output = input.closest("label") && input.closest("label").querySelector("output");
      const places = decimals(input.getAttribute("step"));
      if (output) output.value = places === null ? String(Number(input.value)) : Number(input.value).toFixed(places);
    }

    form.addEventListener("input", (event) => {
      if (!controls.includes(event.target)) return;
      show(event.target);
      // event.timeStamp is on performance.now()'s clock: the time includes the wait for this handler.
      const started = event.timeStamp > 0 && event.timeStamp <= performance.now() ? event.timeStamp : performance.now();
      update(started);
    });
    form.addEventListener("submit", (event) => event.preventDefault());
    controls.forEach(show);
    // A browser that restored the controls' values (back, reload) shows the figure for them.
    if (controls.some((input) => input.value !== input.defaultValue)) update(performance.now());
    form.hidden = false;
    figure.dataset.liveReadyMs = performance.now().toFixed(1);
    figure.dataset.live = "ready";
  }

  function start() {
    document.querySelectorAll("figure.live-figure").forEach((figure) => {
      setUp(figure).catch((error) => {
        const form = figure.querySelector("form.live-controls");
        if (form) form.hidden = true;
        figure.dataset.live = "failed";
        console.error("live figure " + (figure.id || "") + " stays static: " + (error && error.message || error));
      });
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
