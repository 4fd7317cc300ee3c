// HTMX requests carry the CSRF token from its cookie, so cached pages need no per-visitor token.
const TOKEN_COOKIE = /(?:^|;\s*)csrftoken=([^;]+)/;
document.addEventListener("htmx:configRequest", (event) => {
  const match = document.cookie.match(TOKEN_COOKIE);
  if (match) event.detail.headers["X-CSRFToken"] = decodeURIComponent(match[1]);
});

// The cookie comes with the cart count's answer. A shopper who presses a button before it came
// back (a slow phone network) gets the cookie first from the same address, then the request goes
// (through the form's hx-sync, which drops a second press while the first is under way).
document.addEventListener("htmx:confirm", (event) => {
  const counter = document.getElementById("cart-count")?.getAttribute("hx-get");
  const { verb, question } = event.detail; // a request with a question to confirm is left to HTMX
  if (verb === "get" || question || TOKEN_COOKIE.test(document.cookie) || !counter) return;
  event.preventDefault();
  fetch(counter, { credentials: "same-origin" }).finally(() => event.detail.issueRequest(true));
});

// A new province is chosen: the districts of the old city no longer apply, at once (the answer may
// bring the new ones). Here rather than in an hx-on attribute: the Content-Security-Policy allows no
// script built from a string. The focused control's id is kept for after the swap (below).
let focusedBeforeSwap = null;
document.addEventListener("htmx:beforeRequest", (event) => {
  focusedBeforeSwap = document.activeElement ? document.activeElement.id : null;
  const stale = event.detail.elt.dataset.clears;
  if (stale) document.querySelector(stale).replaceChildren();
});

// After an HTMX change to the cart, focus stays on the changed line (the same control if it is still
// there, else the cart itself), so a keyboard or screen reader user is not thrown to the top.
document.addEventListener("htmx:afterSettle", (event) => {
  if (event.detail.target.id !== "cart") return;
  const again = focusedBeforeSwap && document.getElementById(focusedBeforeSwap);
  (again || document.getElementById("cart")).focus();
});

// After a failed submit the first field in error has the focus; a message goes once it is fixed.
document.querySelector('[aria-invalid="true"]')?.focus();
function clearFixedError(event) {
  const field = event.target;
  if (field.getAttribute("aria-invalid") !== "true" || !field.checkValidity()) return;
  field.removeAttribute("aria-invalid");
  field.removeAttribute("aria-describedby");
  field.closest(".has-error")?.classList.remove("has-error");
  document.getElementById(`${field.id}-error`)?.remove();
}
document.addEventListener("input", clearFixedError);
document.addEventListener("change", clearFixedError);

// With JavaScript, the controls that need it (the − and + buttons, the size sheet) are shown.
document.documentElement.classList.add("js");

// − and +: step the quantity between 1 and the most the chosen size allows, then tell the form
// (a cart line saves on "change"). A number typed past the most is left for the server to answer.
document.addEventListener("click", (event) => {
  const step = event.target.closest("[data-step]");
  if (!step) return;
  const field = document.getElementById(step.getAttribute("aria-controls"));
  const most = Number(field.max) || Infinity;
  const wanted = (parseInt(field.value, 10) || 1) + Number(step.dataset.step);
  const next = Math.min(Math.max(wanted, 1), Math.max(most, 1));
  if (String(next) === field.value) return;
  field.value = next;
  field.dispatchEvent(new Event("change", { bubbles: true }));
});

// The product page's size sheet: the sizes and quantity rise from the bottom bar on a phone.
const sheetToggle = document.querySelector(".sheet-toggle");
function openSheet(open) {
  const sheet = document.getElementById(sheetToggle.getAttribute("aria-controls"));
  sheet.classList.toggle("is-open", open);
  sheetToggle.setAttribute("aria-expanded", String(open));
  if (open) sheet.querySelector("input:checked, input:not(:disabled)").focus();
  else sheetToggle.focus();
}
if (sheetToggle) {
  sheetToggle.addEventListener("click", () => openSheet(sheetToggle.getAttribute("aria-expanded") !== "true"));
  document.querySelector("[data-sheet-close]").addEventListener("click", () => openSheet(false));
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && sheetToggle.getAttribute("aria-expanded") === "true") openSheet(false);
  });
}

// The chosen size's price shows beside the title and in the bottom bar; its stock bounds the +.
document.addEventListener("change", (event) => {
  const size = event.target.closest('input[name="variant_id"][data-price]');
  if (!size) return;
  document.querySelectorAll("[data-chosen-price]").forEach((price) => { price.textContent = size.dataset.price; });
  const label = size.closest("label").querySelector(".variant-label");
  document.querySelectorAll("[data-chosen-size]").forEach((chosen) => { chosen.textContent = label.textContent; });
  const quantity = size.form.querySelector('input[name="quantity"]');
  if (quantity) quantity.max = size.dataset.most;
});
