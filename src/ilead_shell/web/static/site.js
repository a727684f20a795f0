/* The preview site's pages: the menu button of narrow screens, and the interface strings
 * (#ilead-strings) for the search page.
 *
 * At 40rem and less the course outline is behind "Menu", a disclosure button placed before
 * the outline in the page, so the order of focus and the order on screen agree: header,
 * then (when open) the outline, then the content.  Without JavaScript the button stays
 * hidden and the outline shows, before the content. */
(function () {
  "use strict";

  var data = { messages: {} };
  try { data = JSON.parse(document.getElementById("ilead-strings").textContent); } catch (error) { /* none */ }

  function fill(template, values) {
    return String(template).replace(/%\((\w+)\)s|%%/g, function (match, name) {
      if (match === "%%") { return "%"; }
      return values && values[name] !== undefined ? String(values[name]) : match;
    });
  }

  function plural(n) {
    var rule = String(data.plural || "n != 1").replace(/\s+/g, "");
    if (rule === "n!=1" || rule === "(n!=1)") { return n === 1 ? 0 : 1; }
    if (rule === "n>1" || rule === "(n>1)") { return n > 1 ? 1 : 0; }
    try { return +(new Function("n", "return +(" + data.plural + ");")(n)); } catch (error) { return n === 1 ? 0 : 1; }
  }

  window.IleadStrings = {
    t: function (key, values) {
      var message = data.messages[key];
      if (Array.isArray(message)) { message = message[message.length - 1]; }
      return fill(message === undefined ? key : message, values);
    },
    tn: function (key, count, values) {
      var forms = data.messages[key];
      if (!Array.isArray(forms)) { return window.IleadStrings.t(key, values); }
      return fill(forms[Math.min(Math.max(plural(count), 0), forms.length - 1)], values);
    }
  };

  var button = document.querySelector(".menu-button");
  var nav = button && document.getElementById(button.getAttribute("aria-controls"));
  if (!button || !nav) { return; }
  button.hidden = false;

  function isOpen() { return button.getAttribute("aria-expanded") === "true"; }

  function setOpen(open) {
    button.setAttribute("aria-expanded", open ? "true" : "false");
    nav.classList.toggle("is-open", open);
  }

  button.addEventListener("click", function () { setOpen(!isOpen()); });
  // Escape closes the menu from anywhere in it, and focus goes back to its button.
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape" || !isOpen()) { return; }
    var inside = nav.contains(document.activeElement) || document.activeElement === button;
    setOpen(false);
    if (inside) { button.focus(); }
  });
}());
