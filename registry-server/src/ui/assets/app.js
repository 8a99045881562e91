// The registry UI's one script; every page works without it. It adds keyboard
// navigation of the subject list (ArrowUp/ArrowDown/Home/End between rows, "/" to
// search) and nothing else: no requests of its own.
"use strict";
(function () {
  function rows() {
    return Array.prototype.slice.call(document.querySelectorAll("a.subject-link"));
  }
  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    var target = event.target;
    var typing = target && (target.tagName === "INPUT" || target.tagName === "TEXTAREA" ||
      target.tagName === "SELECT" || target.isContentEditable);
    if (event.key === "/" && !typing) {
      var search = document.getElementById("q");
      if (search) { event.preventDefault(); search.focus(); search.select(); }
      return;
    }
    var links = rows();
    if (links.length === 0) return;
    var at = links.indexOf(document.activeElement);
    var next = -1;
    if (event.key === "ArrowDown") {
      if (typing && target.id !== "q") return;
      next = at < 0 ? 0 : Math.min(at + 1, links.length - 1);
    } else if (event.key === "ArrowUp") {
      if (typing || at < 0) return;
      next = Math.max(at - 1, 0);
    } else if ((event.key === "Home" || event.key === "End") && at >= 0) {
      next = event.key === "Home" ? 0 : links.length - 1;
    } else {
      return;
    }
    event.preventDefault();
    links[next].focus();
  });
})();
