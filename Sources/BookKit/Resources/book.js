// The pages' script (written to the site as book.js): search over window.BOOK_SEARCH (every term must occur;
// substring matching, so CJK text needs no word splitting), and a copy button on code blocks. Optional: the
// page reads fine without it.
(function () {
  var input = document.getElementById("search"), list = document.getElementById("search-results");
  var index = window.BOOK_SEARCH || [];
  function esc(s) { return s.replace(/[&<>"']/g, function (c) { return {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}[c]; }); }
  // Hits whose section heading names a term come first, then those whose chapter title does; book order otherwise.
  function rank(text, terms) { text = text.toLowerCase(); return terms.filter(function (t) { return text.indexOf(t) >= 0; }).length; }
  if (input) input.addEventListener("input", function () {
    var terms = input.value.toLowerCase().split(/\s+/).filter(function (t) { return t.length > 0; });
    list.innerHTML = "";
    if (!terms.length) { list.hidden = true; return; }
    var hits = index.filter(function (e) { return terms.every(function (t) { return e.x.indexOf(t) >= 0; }); })
      .map(function (e, i) { return {e: e, i: i, s: 2 * rank(e.h, terms) + rank(e.c, terms)}; })
      .sort(function (a, b) { return b.s - a.s || a.i - b.i; })
      .slice(0, 20).map(function (r) { return r.e; });
    list.innerHTML = hits.length ? hits.map(function (e) {
      return '<li><a href="' + e.p + (e.a ? "#" + e.a : "") + '">' + esc(e.c) + (e.h ? " › " + esc(e.h) : "") + "</a></li>";
    }).join("") : "<li>No matches</li>";
    list.hidden = false;
  });
  // Each code block gets a copy button in a band above its code (never over it), outside the `<pre>` so that it
  // neither scrolls with a wide line nor ends up in the copied text: the copy is the `<code>` element's text,
  // exactly the snippet's source.
  document.querySelectorAll("pre.code").forEach(function (pre) {
    var code = pre.querySelector("code");
    if (!code) return;
    var block = document.createElement("div");
    block.className = "code-block";
    pre.parentNode.insertBefore(block, pre);
    block.appendChild(pre);
    var button = document.createElement("button");
    button.className = "copy"; button.type = "button"; button.textContent = "Copy";
    button.setAttribute("aria-label", "Copy the code");
    button.addEventListener("click", function () {
      var text = code.textContent;
      var done = function () { button.textContent = "Copied"; setTimeout(function () { button.textContent = "Copy"; }, 1200); };
      if (navigator.clipboard && window.isSecureContext) { navigator.clipboard.writeText(text).then(done); return; }
      var area = document.createElement("textarea"); area.value = text; document.body.appendChild(area);
      area.select(); document.execCommand("copy"); area.remove(); done();
    });
    block.insertBefore(button, pre);
  });
})();
// Print (issue 16): folded details are opened, and a display formula still wider than its box once the print
// stylesheet has let it break is scaled down to fit (paper cannot scroll); both are undone after printing.
// Runs on beforeprint and when the print media starts to match (print emulation, or a page loaded for print).
(function () {
  var opened = [], scaled = [], active = false;
  function fit() {
    if (active) return;
    active = true;
    document.querySelectorAll("details:not([open])").forEach(function (d) { d.open = true; opened.push(d); });
    document.querySelectorAll(".katex-display").forEach(function (box) {
      for (var i = 0; i < 3 && box.scrollWidth > box.clientWidth + 1; i++) {
        var size = parseFloat(getComputedStyle(box).fontSize);
        if (!box.dataset.printSize) { box.dataset.printSize = box.style.fontSize || "-"; scaled.push(box); }
        box.style.fontSize = Math.floor(size * box.clientWidth / box.scrollWidth * 0.98 * 100) / 100 + "px";
      }
    });
  }
  function unfit() {
    if (!active) return;
    active = false;
    opened.forEach(function (d) { d.open = false; });
    scaled.forEach(function (box) {
      box.style.fontSize = box.dataset.printSize === "-" ? "" : box.dataset.printSize;
      delete box.dataset.printSize;
    });
    opened = []; scaled = [];
  }
  window.addEventListener("beforeprint", fit);
  window.addEventListener("afterprint", unfit);
  var print = window.matchMedia ? window.matchMedia("print") : null;
  if (print) {
    var changed = function () { if (print.matches) document.fonts.ready.then(fit); else unfit(); };
    if (print.addEventListener) print.addEventListener("change", changed); else print.addListener(changed);
    if (print.matches) document.fonts.ready.then(fit);
  }
})();
