// HTMX requests carry the CSRF token from its cookie, so cached pages need no per-visitor token.
document.addEventListener("htmx:configRequest", (event) => {
  const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
  if (match) event.detail.headers["X-CSRFToken"] = decodeURIComponent(match[1]);
});

// A new province's cities arrive: the districts of the old city no longer apply. (Here rather than
// in an hx-on attribute: the Content-Security-Policy allows no script built from a string.)
document.addEventListener("htmx:afterRequest", (event) => {
  const stale = event.detail.elt.dataset.clears;
  if (stale) document.querySelector(stale).innerHTML = "";
});
