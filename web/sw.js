// sw.js: the service worker that keeps the page working offline after a first visit. It stores every
// file of one build (the page, attn.js, attn.wasm, the font, the shipped models) in a cache named after
// their content hash, answers from the network first and from that cache when the network fails, and
// deletes the caches of other builds once it takes over. Not a cache of anything outside its folder.
// Test: tests/e2e/offline.test.mjs.
'use strict';

// The build writes its version (a hash of every file's content and of this worker) and its file list
// on the next line (scripts/offline_manifest.mjs, run after each wasm build). Unbuilt, it caches nothing.
const BUILD = { version: '', files: [] };  // @build

const PREFIX = 'attn-offline-';
const CACHE = PREFIX + BUILD.version;
// Paths relative to this worker's folder, so the page works under any path of any host.
const url = (file) => new URL(file, self.registration.scope).href;

self.addEventListener('install', (event) => {
  if (!BUILD.version) return;
  self.skipWaiting();  // once stored, a new build replaces the old one at once
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    // 'reload': the files of this build from the server, never an older copy from the HTTP cache.
    // addAll stores all of them or none: a half-stored build never takes over.
    await cache.addAll(BUILD.files.map((f) => new Request(url(f), { cache: 'reload' })));
  })());
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name.startsWith(PREFIX) && name !== CACHE) await caches.delete(name);
    }
    await self.clients.claim();  // the page that registered this worker is served by it from now on
  })());
});

// From the cache: the file itself, or for a visit to the folder (with any query or hash) its index.html.
async function fromCache(request) {
  const cache = await caches.open(CACHE);
  const hit = await cache.match(request, { ignoreSearch: true });
  if (hit || request.mode !== 'navigate') return hit;
  return cache.match(url('index.html'));
}

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (!BUILD.version || request.method !== 'GET' || !request.url.startsWith(self.registration.scope)) return;
  // Network first: online, a visitor always gets what the server has now (and its errors, such as a
  // missing model's 404); only when the network fails does the stored build answer.
  event.respondWith(fetch(request).catch(async (err) => {
    const hit = await fromCache(request);
    if (hit) return hit;
    throw err;
  }));
});

// The page asks how far the offline copy is (attn.offline() in web/page.js): this build's version, how
// many files it has and how many of them are stored.
self.addEventListener('message', (event) => {
  if (!event.data || event.data.type !== 'attn-offline-status' || !event.ports[0]) return;
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    let stored = 0;
    for (const f of BUILD.files) if (await cache.match(url(f))) stored += 1;
    event.ports[0].postMessage({ version: BUILD.version, files: BUILD.files.length, stored });
  })());
});
