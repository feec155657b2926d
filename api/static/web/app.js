// After htmx swaps a part of the page, move the keyboard focus to what changed (an element marked
// data-focus, else the swapped part's first heading), so that a screen reader and a keyboard user
// land on the outcome. Without JavaScript the forms post and the whole page comes back.
//
// A part marked data-keep-focus (a table sorted by its headings) keeps the focus where it was: on the
// new copy of the element that had it (same id), else on the element the attribute names.
//
// A measure's page opens in the panel of a run's page (#measure-panel); its Close button, or Escape,
// empties the panel and gives the focus back to the link that opened it.
(function () {
  var focused = null;
  var opener = null;

  document.addEventListener("htmx:beforeRequest", function (event) {
    focused = document.activeElement;
    if (event.detail.target && event.detail.target.id === "measure-panel") { opener = event.detail.elt; }
  });

  document.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail.target;
    if (target.hasAttribute("data-keep-focus")) {
      if (focused && !document.body.contains(focused)) {
        var again = (focused.id && document.getElementById(focused.id)) ||
          document.getElementById(target.getAttribute("data-keep-focus"));
        if (again) { again.focus(); }
      }
      return;
    }
    var focus = target.querySelector("[data-focus]") || target.querySelector("h1, h2");
    if (focus) {
      if (!focus.hasAttribute("tabindex")) { focus.setAttribute("tabindex", "-1"); }
      focus.focus();
    }
  });

  function closePanel(panel) {
    panel.innerHTML = "";
    var back = opener;
    if (back && !document.body.contains(back)) {
      back = document.querySelector('a[href="' + CSS.escape(back.getAttribute("href")) + '"]');
    }
    if (back) { back.focus(); }
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-close-panel]");
    var panel = button && button.closest("#measure-panel");
    if (panel) { closePanel(panel); }
  });

  document.addEventListener("keydown", function (event) {
    var panel = event.key === "Escape" && event.target.closest && event.target.closest("#measure-panel");
    if (panel && panel.firstElementChild) { closePanel(panel); }
  });
})();
