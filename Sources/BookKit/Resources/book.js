// The pages' script (written to the site as book.js): search over window.BOOK_SEARCH, and a copy button on code
// blocks. Optional: the page reads fine without it.
(function () {
  // Search. Every term must occur in a section's text, heading or chapter title (case-insensitive substring
  // matching, so CJK text needs no word splitting). The results say how many there are, show the first 20 with a
  // button for the rest, each with an excerpt where the term is marked; ↑/↓ move, Enter opens, Escape clears, and
  // `/` (outside other inputs) focuses the box. A result's link carries `?q=terms`, and the page it opens marks the
  // terms in its text. Every piece of the index or the query reaches the page as a DOM text node, never as HTML.
  var input = document.getElementById("search"), list = document.getElementById("search-results");
  var index = window.BOOK_SEARCH || [], pageSize = 20;
  function lower(e) { return e.l || (e.l = (e.c + "\n" + e.h + "\n" + e.x).toLowerCase()); }
  function termsOf(query) {
    return query.toLowerCase().split(/\s+/).filter(function (t) { return t.length > 0; });
  }
  // Appends `text` to `parent`, each occurrence of a term wrapped in <mark> (text nodes only).
  function appendMarked(parent, text, terms, markClass) {
    var low = text.toLowerCase(), ranges = [];
    if (low.length !== text.length) low = text; // a lowercase of another length: mark exact case only
    terms.forEach(function (t) {
      for (var at = low.indexOf(t); at >= 0; at = low.indexOf(t, at + t.length)) ranges.push([at, at + t.length]);
    });
    ranges.sort(function (a, b) { return a[0] - b[0] || b[1] - a[1]; });
    var done = 0;
    ranges.forEach(function (r) {
      if (r[0] < done) return;
      if (r[0] > done) parent.appendChild(document.createTextNode(text.slice(done, r[0])));
      var mark = document.createElement("mark");
      if (markClass) mark.className = markClass;
      mark.textContent = text.slice(r[0], r[1]);
      parent.appendChild(mark);
      done = r[1];
    });
    if (done < text.length) parent.appendChild(document.createTextNode(text.slice(done)));
    return ranges.length;
  }
  // About 160 characters of the section's text around the first occurrence of a term.
  function excerpt(text, terms) {
    var low = text.toLowerCase(), at = -1;
    terms.forEach(function (t) { var i = low.indexOf(t); if (i >= 0 && (at < 0 || i < at)) at = i; });
    if (at < 0) at = 0;
    var start = Math.max(0, at - 60), end = Math.min(text.length, start + 160);
    if (start > 0) { var space = text.indexOf(" ", start); if (space >= 0 && space < at) start = space + 1; }
    if (end < text.length) { var last = text.lastIndexOf(" ", end); if (last > at + 20) end = last; }
    return (start > 0 ? "…" : "") + text.slice(start, end) + (end < text.length ? "…" : "");
  }
  // Hits whose section heading names a term come first, then those whose chapter title does; book order otherwise.
  function rank(text, terms) { text = text.toLowerCase(); return terms.filter(function (t) { return text.indexOf(t) >= 0; }).length; }
  var hits = [], terms = [], active = -1, count = null;
  function items() { return list ? Array.from(list.querySelectorAll("li.search-hit, li.search-more-item")) : []; }
  function select(i) {
    var all = items();
    if (active >= 0 && all[active]) all[active].removeAttribute("aria-selected");
    active = all.length ? Math.max(-1, Math.min(i, all.length - 1)) : -1;
    if (active >= 0) {
      all[active].setAttribute("aria-selected", "true");
      input.setAttribute("aria-activedescendant", all[active].id);
      if (all[active].scrollIntoView) all[active].scrollIntoView({ block: "nearest" });
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  }
  function show(limit) {
    list.textContent = "";
    active = -1;
    input.removeAttribute("aria-activedescendant");
    if (!terms.length) { list.hidden = true; count.hidden = true; return; }
    var shown = Math.min(limit, hits.length);
    count.textContent = hits.length === 0 ? "No results"
      : hits.length + (hits.length === 1 ? " result" : " results") + (shown < hits.length ? ", showing " + shown + " of " + hits.length : "");
    count.hidden = false;
    var query = encodeURIComponent(terms.join(" "));
    hits.slice(0, shown).forEach(function (e, n) {
      var li = document.createElement("li"), a = document.createElement("a");
      li.className = "search-hit"; li.id = "search-hit-" + n; li.setAttribute("role", "option");
      a.href = e.p + "?q=" + query + (e.a ? "#" + encodeURIComponent(e.a) : "");
      a.tabIndex = -1;
      var title = document.createElement("span"), text = document.createElement("span");
      title.className = "search-title"; text.className = "search-excerpt";
      appendMarked(title, e.c + (e.h && e.h !== e.c ? " › " + e.h : ""), terms);
      appendMarked(text, excerpt(e.x, terms), terms);
      a.appendChild(title); a.appendChild(text); li.appendChild(a); list.appendChild(li);
    });
    if (shown < hits.length) {
      var li = document.createElement("li"), more = document.createElement("button");
      li.className = "search-more-item"; li.id = "search-more"; li.setAttribute("role", "option");
      more.type = "button"; more.className = "search-more"; more.tabIndex = -1;
      more.textContent = "Show all " + hits.length + " results";
      more.addEventListener("click", function () { var keep = shown; show(hits.length); select(keep); input.focus(); });
      li.appendChild(more); list.appendChild(li);
    }
    list.hidden = false;
  }
  if (input && list) {
    count = document.createElement("p");
    count.id = "search-count"; count.className = "search-count"; count.hidden = true;
    count.setAttribute("role", "status"); count.setAttribute("aria-live", "polite");
    list.parentNode.insertBefore(count, list);
    list.setAttribute("role", "listbox"); list.setAttribute("aria-label", "Search results");
    input.setAttribute("aria-controls", "search-results");
    input.setAttribute("aria-keyshortcuts", "/");
    input.addEventListener("input", function () {
      terms = termsOf(input.value);
      hits = !terms.length ? [] : index
        .filter(function (e) { var l = lower(e); return terms.every(function (t) { return l.indexOf(t) >= 0; }); })
        .map(function (e, i) { return { e: e, i: i, s: 2 * rank(e.h, terms) + rank(e.c, terms) }; })
        .sort(function (a, b) { return b.s - a.s || a.i - b.i; })
        .map(function (r) { return r.e; });
      show(pageSize);
    });
    input.addEventListener("keydown", function (event) {
      var all = items();
      if (event.key === "ArrowDown" && all.length) { select(active + 1); event.preventDefault(); }
      else if (event.key === "ArrowUp" && all.length) { select(active - 1); event.preventDefault(); }
      else if (event.key === "Enter" && all.length) {
        var target = all[active >= 0 ? active : 0].querySelector("a, button");
        if (target) target.click();
        event.preventDefault();
      } else if (event.key === "Escape" && input.value) {
        input.value = ""; terms = []; hits = []; show(pageSize); event.preventDefault();
      }
    });
    document.addEventListener("keydown", function (event) {
      if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented) return;
      var t = event.target;
      if (t && (t.isContentEditable || /^(TEXTAREA|SELECT)$/.test(t.tagName) ||
          (t.tagName === "INPUT" && !/^(checkbox|radio|button|submit|reset|range|color|file)$/.test(t.type)))) return;
      // On narrow screens the box is folded in the menu: unfold it first.
      var toggle = document.getElementById("nav-toggle");
      if (!input.getClientRects().length && toggle) toggle.checked = true;
      event.preventDefault();
      input.focus();
      input.select();
    });
  }
  // The page a result opened: mark the terms of `?q=` in the page's text (not in typeset math, code of folded
  // setup excepted), and bring the first mark at or after the linked section into view.
  var query = null;
  try { query = new URLSearchParams(location.search).get("q"); } catch (e) { query = null; }
  var main = document.querySelector("main"), landed = query ? termsOf(query).slice(0, 10) : [];
  if (main && landed.length) {
    var walker = document.createTreeWalker(main, NodeFilter.SHOW_TEXT, {
      acceptNode: function (node) {
        var parent = node.parentElement;
        if (!parent || parent.closest(".katex, script, style, svg, textarea, .anchor, mark")) return NodeFilter.FILTER_REJECT;
        var low = node.data.toLowerCase();
        return landed.some(function (t) { return low.indexOf(t) >= 0; }) ? NodeFilter.FILTER_ACCEPT : NodeFilter.FILTER_REJECT;
      }
    });
    var nodes = [], node;
    while ((node = walker.nextNode())) nodes.push(node);
    nodes.forEach(function (textNode) {
      var fragment = document.createDocumentFragment();
      appendMarked(fragment, textNode.data, landed, "search-hit");
      textNode.parentNode.replaceChild(fragment, textNode);
    });
    var marks = Array.from(main.querySelectorAll("mark.search-hit"));
    var anchor = location.hash ? document.getElementById(decodeURIComponent(location.hash.slice(1))) : null;
    var first = marks.filter(function (m) {
      return !anchor || (anchor.compareDocumentPosition(m) & Node.DOCUMENT_POSITION_FOLLOWING);
    })[0] || marks[0];
    if (first) {
      var folded = first.closest("details:not([open])");
      if (folded) folded.open = true;
      // After the browser's own scroll to the #fragment (on load).
      var bring = function () { first.scrollIntoView({ block: "center" }); };
      if (document.readyState === "complete") bring(); else window.addEventListener("load", bring);
    }
    // Escape (outside an input) takes the marks away.
    document.addEventListener("keydown", function (event) {
      if (event.key !== "Escape" || (event.target && /^(INPUT|TEXTAREA|SELECT)$/.test(event.target.tagName))) return;
      main.querySelectorAll("mark.search-hit").forEach(function (m) { m.replaceWith(document.createTextNode(m.textContent)); });
      main.normalize();
    });
  }
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
// Page chrome (issue 16, "Smaller"; PageChromeTests): the section being read marked in the sidebar, and ←/→ for
// the previous/next chapter.
(function () {
  // The current section: the last of the sidebar's sections whose heading has passed the reading line (a quarter
  // down the window); at the very end of the page, the last section whose heading shows. Its sidebar link gets
  // aria-current="location" and is scrolled into the sidebar's view (the sidebar only, never the page).
  // IntersectionObserver tells when a heading crosses the reading line; a scroll listener (one update per frame)
  // covers the end of the page, where no heading need cross it.
  var links = Array.from(document.querySelectorAll(".sidebar .sections a[href^='#']"));
  var headings = links.map(function (a) {
    var target = document.getElementById(decodeURIComponent(a.getAttribute("href").slice(1)));
    return target ? target.closest("h1, h2, h3, h4, h5, h6") || target : null;
  });
  var nav = document.querySelector(".sidebar"), marked = null, pending = false;
  function update() {
    pending = false;
    var line = window.innerHeight / 4, current = -1;
    var atEnd = window.innerHeight + window.scrollY >= document.documentElement.scrollHeight - 2;
    headings.forEach(function (h, i) {
      if (!h) return;
      var top = h.getBoundingClientRect().top;
      if (top <= line || (atEnd && top < window.innerHeight)) current = i;
    });
    var link = current >= 0 ? links[current] : null;
    if (link === marked) return;
    if (marked) marked.removeAttribute("aria-current");
    marked = link;
    if (!link) return;
    link.setAttribute("aria-current", "location");
    if (nav && nav.scrollHeight > nav.clientHeight) {
      var r = link.getBoundingClientRect(), n = nav.getBoundingClientRect();
      if (r.top < n.top) nav.scrollTop -= n.top - r.top + 16;
      else if (r.bottom > n.bottom) nav.scrollTop += r.bottom - n.bottom + 16;
    }
  }
  function later() { if (!pending) { pending = true; window.requestAnimationFrame(update); } }
  if (links.length && headings.some(Boolean)) {
    if ("IntersectionObserver" in window) {
      var observer = new IntersectionObserver(later, { rootMargin: "0px 0px -75% 0px" });
      headings.forEach(function (h) { if (h) observer.observe(h); });
    }
    window.addEventListener("scroll", later, { passive: true });
    window.addEventListener("resize", later);
    update();
  }

  // ←/→ follow the pager's previous/next link (a click, as the reader's own). Not with a modifier held (Alt+←
  // is the browser's Back), not when another handler took the key, and not while the focus is where arrows move
  // a caret or a value (inputs, text areas, selects, editable text) or scroll a box sideways (a focused element
  // that scrolls horizontally).
  document.addEventListener("keydown", function (event) {
    if (event.key !== "ArrowLeft" && event.key !== "ArrowRight") return;
    if (event.altKey || event.ctrlKey || event.metaKey || event.shiftKey || event.defaultPrevented) return;
    var t = document.activeElement;
    if (t && t !== document.body && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName) ||
        t.scrollWidth > t.clientWidth && /(auto|scroll)/.test(getComputedStyle(t).overflowX))) return;
    var link = document.querySelector(event.key === "ArrowLeft" ? ".pager a.previous" : ".pager a.next");
    if (!link) return;
    event.preventDefault();
    link.click();
  });
})();
