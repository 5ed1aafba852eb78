// The reader's theme (issue 16; written to the site as theme.js). Loaded in <head> after the stylesheet and without
// `defer`, so it runs before <body> is parsed and the page is first painted in the chosen theme: no flash of the
// other one. "auto" follows the system (`prefers-color-scheme`); "light" and "dark" set `data-theme` on <html>,
// which style.css's theme block maps to the palette and `color-scheme`. The choice is kept in localStorage (which
// Chromium, Firefox and Safari give file:// pages too) under "book-theme"; where storage is refused the choice
// lasts for the page. The button is made here, so a reader without JavaScript gets the system's theme and no
// button that does nothing (PageChromeTests).
(function () {
  var root = document.documentElement, key = "book-theme", themes = ["auto", "light", "dark"];
  var names = { auto: "Auto", light: "Light", dark: "Dark" }, icons = { auto: "◐", light: "☀", dark: "☾" };
  function stored() {
    var theme = null;
    try { theme = window.localStorage.getItem(key); } catch (e) { theme = null; }
    return themes.indexOf(theme) >= 0 ? theme : "auto";
  }
  var current = stored();
  function apply(theme) {
    current = theme;
    if (theme === "auto") root.removeAttribute("data-theme"); else root.setAttribute("data-theme", theme);
  }
  apply(current);
  var button = null;
  function label() {
    if (!button) return;
    var next = themes[(themes.indexOf(current) + 1) % themes.length];
    button.textContent = icons[current] + " " + names[current];
    button.setAttribute("aria-label", "Theme: " + names[current] + ". Switch to " + names[next].toLowerCase());
    button.title = "Theme: " + names[current] + " (switch to " + names[next].toLowerCase() + ")";
  }
  function choose(theme) {
    apply(theme);
    try {
      if (theme === "auto") window.localStorage.removeItem(key); else window.localStorage.setItem(key, theme);
    } catch (e) { /* storage refused: the choice holds on this page only */ }
    label();
  }
  // Another page of the book changed the theme: follow it.
  window.addEventListener("storage", function (event) {
    if (event.key === key || event.key === null) { apply(stored()); label(); }
  });
  function addButton() {
    var title = document.querySelector(".sidebar .book-title");
    if (!title) return;
    button = document.createElement("button");
    button.type = "button";
    button.className = "theme-toggle";
    button.addEventListener("click", function () {
      choose(themes[(themes.indexOf(current) + 1) % themes.length]);
    });
    title.parentNode.insertBefore(button, title.nextSibling);
    label();
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", addButton);
  else addButton();
})();
