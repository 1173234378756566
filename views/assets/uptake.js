// Uptake's only script besides htmx. Everything here is an enhancement: without it the area
// links open the area page and notices stay until the next page load.

// An area's name is a link to its page; htmx loads the area's team rows beneath it instead.
// A second click folds them away rather than loading them again.
document.addEventListener(
  'click',
  (event) => {
    const toggle = event.target instanceof Element ? event.target.closest('.area-toggle[aria-expanded="true"]') : null;
    if (toggle === null || event.metaKey || event.ctrlKey || event.shiftKey) return;
    event.preventDefault();
    event.stopPropagation();
    document.getElementById(toggle.getAttribute('aria-controls'))?.replaceChildren();
    toggle.setAttribute('aria-expanded', 'false');
  },
  true,
);

document.addEventListener('htmx:after:swap', (event) => {
  const ctx = event.detail?.ctx;
  const source = ctx?.sourceElement;
  if (source?.classList.contains('area-toggle') && ctx.response?.status < 400) source.setAttribute('aria-expanded', 'true');
});

document.addEventListener('click', (event) => {
  const close = event.target instanceof Element ? event.target.closest('[data-dismiss]') : null;
  close?.closest('.notice')?.remove();
});

// Every htmx request carries the session's CSRF token; plain forms carry it in a hidden field.
document.addEventListener('htmx:config:request', (event) => {
  const token = document.querySelector('meta[name="csrf-token"]')?.getAttribute('content');
  if (token) event.detail.ctx.request.headers['X-CSRF-Token'] = token;
});
