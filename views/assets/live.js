// Live updates. The layout's <body hx-ws:connect="/live"> opens a websocket with htmx's ws
// extension, which also reconnects after the server restarts. The server pushes swaps of this
// page's live regions; it needs to know which page that is, and the page can change without a
// load (the heatmap's filter pushes a new URL), so the socket is always opened for the current
// URL and reopened when it changes.

let live = null;

const currentPage = () => location.pathname + location.search;

// Runs before every connection attempt, the first and each reconnect: point it at this page.
document.addEventListener('htmx:ws:before:connection', (event) => {
  live = event.detail.connection;
  const url = new URL(live.url);
  url.searchParams.set('page', currentPage());
  live.url = url.href;
});

// Closing without a code is "no status received" (1005), which the extension answers by
// reconnecting: to the new URL, by the listener above.
const follow = () => {
  if (live?.socket && new URL(live.url).searchParams.get('page') !== currentPage()) live.socket.close();
};
document.addEventListener('htmx:after:history:update', follow);
window.addEventListener('popstate', follow);

// A pushed area row says its teams are folded (the server cannot know); the teams' rows, kept
// unfolded by the push, are what tells.
document.addEventListener('htmx:ws:after:message:incoming', () => {
  for (const toggle of document.querySelectorAll('.area-toggle')) {
    const rows = document.getElementById(toggle.getAttribute('aria-controls'));
    toggle.setAttribute('aria-expanded', String(rows !== null && rows.childElementCount > 0));
  }
});

// The session that opened the socket has ended (deactivated, or the password changed): reloading
// asks to sign in again, rather than leaving a page that silently stopped following.
document.addEventListener('htmx:ws:close', (event) => {
  if (event.detail?.code === 4401) location.reload();
});
