// After htmx swaps a part of the page, move the keyboard focus to what changed (an element marked
// data-focus, else the swapped part's first heading), so that a screen reader and a keyboard user
// land on the outcome. Without JavaScript the forms post and the whole page comes back.
document.addEventListener("htmx:afterSwap", function (event) {
  var target = event.detail.target;
  var focus = target.querySelector("[data-focus]") || target.querySelector("h1, h2");
  if (focus) {
    if (!focus.hasAttribute("tabindex")) { focus.setAttribute("tabindex", "-1"); }
    focus.focus();
  }
});
