// Threadlab's optional service worker: cross-origin isolation on a static host.
//
// SharedArrayBuffer (the parallel mode's shared memory) exists only in a cross-origin isolated
// page, one served with `Cross-Origin-Opener-Policy: same-origin` and
// `Cross-Origin-Embedder-Policy: require-corp`. A host that cannot send those headers (GitHub
// Pages, many course sites) can still get them from this worker: once it controls the site's
// folder, it fetches each same-origin request as usual and hands the page a copy of the response
// with the headers added. The browser applies headers from a service worker's response as if the
// server had sent them (the technique of the coi-serviceworker project; this is our own code).
//
// Never on by default: parallel.html registers it only when asked (`?isolate=sw`) and removes
// it on `?isolate=off`; see README.md, "Shared memory on a static host". Its scope is the folder
// it is served from (the default scope), so a copy in a sub-folder isolates only that folder.

'use strict';

// A new version takes over at once, and the pages already open come under it (the page reloads
// once after registering, so this matters only when the script changes).
self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));

self.addEventListener('fetch', (event) => {
  const request = event.request;
  // Another origin's files are left to the browser: this site loads none, and a copy made here
  // would change nothing for them (an opaque response's headers cannot be read or set).
  if (new URL(request.url).origin !== self.location.origin) return;
  // Chromium rejects this combination when a worker re-issues it (devtools makes such requests).
  if (request.cache === 'only-if-cached' && request.mode !== 'same-origin') return;
  event.respondWith(withIsolation(request));
});

/** Fetches `request` and returns its response with the isolation headers added. */
async function withIsolation(request) {
  const response = await fetch(request);
  // Only an ordinary same-origin response can be copied: a redirect kept for a navigation
  // (`opaqueredirect`) or an error (status 0) goes back untouched.
  if (response.type !== 'basic' || response.status === 0) return response;
  const headers = new Headers(response.headers);
  headers.set('Cross-Origin-Opener-Policy', 'same-origin');
  headers.set('Cross-Origin-Embedder-Policy', 'require-corp');
  // The files the pages load (scripts, wasm, styles, the workers' scripts) are for this site
  // only, as e2e/server.mjs says of them too (same-origin loads pass COEP without it). Pages are
  // left without it: on a page it would only decide which other sites may frame it.
  if (request.mode !== 'navigate') headers.set('Cross-Origin-Resource-Policy', 'same-origin');
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}
