// Ohjaustila service worker: keeps the app shell for offline use.
// - install: caches the shell (HTML, CSS, JS modules, texts, icons) under a versioned name;
// - navigations: network first, the cached index.html when offline;
// - /api/: always the network, never cached (answers hold personal data);
// - other shell files: from the cache, refreshed in the background.
// VERSION is not kept by hand: when the server serves this file it replaces the placeholder with
// a hash of every file under Public/ but sw.js and openapi.json, so a changed shell file always
// comes with a new cache name (a browser then installs this worker again and drops the old cache).
// SHELL must list every file the client loads (a test compares it with Public/).
const VERSION = '__SHELL_VERSION__';
const CACHE = `ohjaustila-shell-${VERSION}`;
const SHELL = [
  '/index.html',
  '/css/app.css',
  '/js/api.js',
  '/js/app.js',
  '/js/dialog.js',
  '/js/dom.js',
  '/js/format.js',
  '/js/forms.js',
  '/js/i18n.js',
  '/js/outbox.js',
  '/js/push.js',
  '/js/realtime.js',
  '/js/router.js',
  '/js/session.js',
  '/js/storage.js',
  '/js/store.js',
  '/js/ticks.js',
  '/js/unread.js',
  '/js/catalogue/combobox.js',
  '/js/catalogue/favourite-lists.js',
  '/js/catalogue/favourites.js',
  '/js/catalogue/parts.js',
  '/js/catalogue/short-link.js',
  '/js/catalogue/taxonomy.js',
  '/js/editor/common.js',
  '/js/editor/form.js',
  '/js/editor/notices.js',
  '/js/editor/page.js',
  '/js/editor/rights.js',
  '/js/editor/tabs.js',
  '/js/pages/account.js',
  '/js/pages/admin-search-words.js',
  '/js/pages/admin-embed.js',
  '/js/pages/admin-taxonomy.js',
  '/js/pages/admin-security-events.js',
  '/js/pages/catalogue-article.js',
  '/js/pages/catalogue-articles.js',
  '/js/pages/catalogue-category.js',
  '/js/pages/catalogue-favourite-list.js',
  '/js/pages/catalogue-favourites.js',
  '/js/pages/catalogue-index.js',
  '/js/pages/catalogue-municipality.js',
  '/js/pages/catalogue-search.js',
  '/js/pages/catalogue-service.js',
  '/js/pages/catalogue-shared-list.js',
  '/js/pages/common.js',
  '/js/pages/editor-article.js',
  '/js/pages/editor-articles.js',
  '/js/pages/editor-history.js',
  '/js/pages/editor-import.js',
  '/js/pages/editor-review.js',
  '/js/pages/editor-service.js',
  '/js/pages/editor-services.js',
  '/js/pages/editor-stale.js',
  '/js/pages/editor-statistics.js',
  '/js/pages/editor-translations.js',
  '/js/pages/forgot-password.js',
  '/js/pages/home.js',
  '/js/pages/invitation.js',
  '/js/pages/login.js',
  '/js/pages/meeting-slots.js',
  '/js/pages/meetings.js',
  '/js/pages/not-found.js',
  '/js/pages/notification-settings.js',
  '/js/pages/notifications.js',
  '/js/pages/organization-users.js',
  '/js/pages/reset-password.js',
  '/js/pages/space-new.js',
  '/js/pages/space.js',
  '/js/pages/spaces.js',
  '/js/pages/tasks.js',
  '/js/spaces/common.js',
  '/js/spaces/conversation.js',
  '/js/spaces/files.js',
  '/js/spaces/meetings.js',
  '/js/spaces/panels.js',
  '/js/spaces/plan.js',
  '/js/ui/copy.js',
  '/js/ui/errors.js',
  '/js/ui/live.js',
  '/js/ui/page.js',
  '/js/ui/paged-list.js',
  '/js/ui/rows.js',
  '/i18n/fi.json',
  '/i18n/sv.json',
  '/i18n/en.json',
  '/manifest.webmanifest',
  '/favicon.ico',
  '/icons/icon-192.png',
  '/icons/icon-512.png',
  '/icons/icon.svg',
];

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll(SHELL.map((url) => new Request(url, { cache: 'reload' }))))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith('ohjaustila-shell-') && k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

function offlineProblem() {
  const body = JSON.stringify({
    type: 'https://ohjaustila.fi/problems/network.offline',
    title: 'Offline',
    status: 503,
    code: 'network.offline',
  });
  return new Response(body, { status: 503, headers: { 'Content-Type': 'application/problem+json', 'X-Offline': '1' } });
}

self.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;

  if (url.pathname.startsWith('/api/')) {
    // Network only; never stored. A GET while offline gets a problem+json answer.
    if (request.method === 'GET') event.respondWith(fetch(request).catch(offlineProblem));
    return;
  }
  if (request.method !== 'GET') return;

  if (request.mode === 'navigate') {
    event.respondWith(
      fetch(request).catch(async () => (await caches.match('/index.html', { cacheName: CACHE })) || Response.error()),
    );
    return;
  }

  if (!SHELL.includes(url.pathname)) return;
  event.respondWith(
    caches.open(CACHE).then(async (cache) => {
      const cached = await cache.match(request, { ignoreSearch: true });
      const fresh = fetch(request)
        .then((response) => {
          if (response.ok) cache.put(request, response.clone());
          return response;
        })
        .catch(() => null);
      if (cached) {
        event.waitUntil(fresh);
        return cached;
      }
      return (await fresh) || Response.error();
    }),
  );
});

// Web Push: the server sends {title, body, url, tag} (encrypted; the browser decrypts it). The
// text says only that there is a new message or a reminder; a tap opens the space, in a tab of
// this app when one is open.
self.addEventListener('push', (event) => {
  let message = {};
  try {
    message = event.data ? event.data.json() : {};
  } catch {
    message = {};
  }
  const title = typeof message.title === 'string' && message.title ? message.title : 'Ohjaustila';
  const url = typeof message.url === 'string' && message.url.startsWith('/') && !message.url.startsWith('//') ? message.url : '/';
  event.waitUntil(
    self.registration.showNotification(title, {
      body: typeof message.body === 'string' ? message.body : '',
      tag: typeof message.tag === 'string' ? message.tag : undefined,
      icon: '/icons/icon-192.png',
      badge: '/icons/icon-192.png',
      data: { url },
    }),
  );
});

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const target = new URL((event.notification.data && event.notification.data.url) || '/', self.location.origin).href;
  event.waitUntil(
    self.clients.matchAll({ type: 'window', includeUncontrolled: true }).then(async (windows) => {
      for (const client of windows) {
        if (new URL(client.url).origin !== self.location.origin) continue;
        await client.focus();
        if ('navigate' in client) return client.navigate(target);
        return client;
      }
      return self.clients.openWindow(target);
    }),
  );
});

// The push service renewed the subscription: tell the server about the new one.
self.addEventListener('pushsubscriptionchange', (event) => {
  event.waitUntil(
    (async () => {
      const key = await fetch('/api/v1/push/key', { credentials: 'same-origin' }).then((r) => (r.ok ? r.json() : null));
      if (!key) return;
      const padded = key.publicKey.replace(/-/g, '+').replace(/_/g, '/') + '==='.slice((key.publicKey.length + 3) % 4);
      const applicationServerKey = Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
      const subscription = await self.registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey });
      await fetch('/api/v1/me/push-subscriptions', {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(subscription.toJSON()),
      });
    })().catch(() => {}),
  );
});
