// Ohjaustila web client: boots the shell, the language, the session and the router.
import { t, plural, initialLanguage, setLanguage, getLanguage, LANGUAGES } from './i18n.js';
import { on } from './store.js';
import * as realtime from './realtime.js';
import * as outbox from './outbox.js';
import * as ticks from './ticks.js';
import * as unread from './unread.js';
import { loadUser, getUser, setUser, signOut, endSession, usesCatalogueEditor } from './session.js';
import { route, notFound, startRouter, navigate, rerender, setFlash } from './router.js';

route('/', () => import('./pages/home.js'));
route('/login', () => import('./pages/login.js'));
route('/forgot-password', () => import('./pages/forgot-password.js'));
route('/reset-password', () => import('./pages/reset-password.js'));
route('/invitation', () => import('./pages/invitation.js'));
route('/account', () => import('./pages/account.js'));
route('/account/notifications', () => import('./pages/notification-settings.js'));
route('/organizations/:orgId/users', () => import('./pages/organization-users.js'));
route('/admin/security-events', () => import('./pages/admin-security-events.js'));
route('/admin/search-words', () => import('./pages/admin-search-words.js'));
route('/admin/embed', () => import('./pages/admin-embed.js'));
route('/admin/taxonomy', () => import('./pages/admin-taxonomy.js'));
route('/spaces', () => import('./pages/spaces.js'));
route('/spaces/new', () => import('./pages/space-new.js'));
route('/spaces/:spaceId', () => import('./pages/space.js'));
route('/notifications', () => import('./pages/notifications.js'));
route('/tasks', () => import('./pages/tasks.js'));
route('/meetings', () => import('./pages/meetings.js'));
route('/meetings/slots', () => import('./pages/meeting-slots.js'));
route('/catalogue', () => import('./pages/catalogue-search.js'));
route('/catalogue/favourites', () => import('./pages/catalogue-favourites.js'));
route('/catalogue/favourites/:listId', () => import('./pages/catalogue-favourite-list.js'));
route('/catalogue/shared/:token', () => import('./pages/catalogue-shared-list.js'));
route('/catalogue/services/:serviceId', () => import('./pages/catalogue-service.js'));
route('/catalogue/categories', () => import('./pages/catalogue-index.js').then((m) => ({ default: m.categories })));
route('/catalogue/categories/:categoryId', () => import('./pages/catalogue-category.js'));
route('/catalogue/municipalities', () => import('./pages/catalogue-index.js').then((m) => ({ default: m.municipalities })));
route('/catalogue/municipalities/:code', () => import('./pages/catalogue-municipality.js'));
route('/catalogue/articles', () => import('./pages/catalogue-articles.js'));
route('/catalogue/articles/:articleId', () => import('./pages/catalogue-article.js'));
route('/editor', () => import('./pages/editor-services.js'));
route('/editor/new', () => import('./pages/editor-service.js'));
route('/editor/review', () => import('./pages/editor-review.js'));
route('/editor/stale', () => import('./pages/editor-stale.js'));
route('/editor/statistics', () => import('./pages/editor-statistics.js'));
route('/editor/import', () => import('./pages/editor-import.js'));
route('/editor/services/:serviceId', () => import('./pages/editor-service.js'));
route('/editor/services/:serviceId/history', () => import('./pages/editor-history.js'));
route('/editor/articles', () => import('./pages/editor-articles.js'));
route('/editor/articles/new', () => import('./pages/editor-article.js'));
route('/editor/articles/:articleId', () => import('./pages/editor-article.js'));
route('/editor/articles/:articleId/history', () => import('./pages/editor-history.js'));
route('/editor/translations', () => import('./pages/editor-translations.js'));
notFound(() => import('./pages/not-found.js'));

/** Texts of the shell outside <main>. */
function updateChrome() {
  const lang = getLanguage();
  document.getElementById('skip-link').textContent = t('shell.skipLink');
  document.getElementById('lang-switch').setAttribute('aria-label', t('shell.languageSwitch'));
  document.getElementById('footer-text').textContent = t('shell.footer');
  const brand = document.getElementById('brand');
  brand.setAttribute('aria-label', t('shell.homeLink'));
  for (const button of document.querySelectorAll('#lang-switch [data-lang]')) {
    button.setAttribute('aria-pressed', String(button.dataset.lang === lang));
  }
  const signOut = document.getElementById('sign-out');
  signOut.textContent = t('action.signOut');
  signOut.hidden = !getUser();
  document.getElementById('offline-text').textContent = t('shell.offline');
  const nav = document.getElementById('site-nav');
  if (nav) nav.setAttribute('aria-label', t('shell.nav'));
  const catalogueLink = document.getElementById('nav-catalogue');
  if (catalogueLink) catalogueLink.textContent = t('catalogue.title');
  const signedIn = Boolean(getUser());
  // the catalogue editor: content producers, service providers, approvers, organisation admins
  // (the services left unreviewed) and platform admins
  const editorLink = document.getElementById('nav-editor');
  if (editorLink) editorLink.parentElement.hidden = !usesCatalogueEditor(getUser());
  const spacesLink = document.getElementById('nav-spaces');
  if (spacesLink) {
    spacesLink.textContent = t('spaces.title');
    spacesLink.parentElement.hidden = !signedIn;
  }
  const tasksLink = document.getElementById('nav-tasks');
  if (tasksLink) {
    tasksLink.textContent = t('tasks.title');
    tasksLink.parentElement.hidden = !signedIn;
  }
  const meetingsLink = document.getElementById('nav-meetings');
  if (meetingsLink) {
    meetingsLink.textContent = t('meeting.nav');
    meetingsLink.parentElement.hidden = !signedIn;
  }
  const notificationsLink = document.getElementById('nav-notifications');
  if (notificationsLink) notificationsLink.parentElement.hidden = !signedIn;
  // on a phone a signed-in user's header is one row: the brand and "Valikko" (with the count)
  document.getElementById('menu-label').textContent = t('shell.menu');
  document.getElementById('menu-toggle').hidden = !signedIn;
  document.getElementById('site-header').classList.toggle('site-header--menu', signedIn);
  if (!signedIn) setMenu(false);
  updateUnread();
  markCurrentNav();
  const description = document.querySelector('meta[name="description"]');
  if (description) description.setAttribute('content', t('shell.description'));
}

/** A header link's label and, when there is something new, its count ("3 uutta"). */
function showCount(link, label, count, countKey) {
  link.querySelector('.nav-label').textContent = label;
  const badge = link.querySelector('.nav-count');
  badge.textContent = count ? plural(countKey, count) : '';
  badge.hidden = !count;
  link.dataset.unread = String(count);
}

/** The header's counts: "Ilmoitukset 3 uutta", "Palvelujen ylläpito 2 muistutusta" (the catalogue's
 *  review reminders), and their sum on the phone menu's button. */
function updateUnread() {
  const link = document.getElementById('nav-notifications');
  if (!link) return;
  const count = unread.unreadCount();
  showCount(link, t('notifications.title'), count, 'notifications.unreadShort');
  const editorLink = document.getElementById('nav-editor');
  const reminders = usesCatalogueEditor(getUser()) ? unread.reviewNoticeCount() : 0;
  if (editorLink) showCount(editorLink, t('editor.nav'), reminders, 'editor.notices.short');
  // the closed phone menu shows the count on its button too
  const menuCount = document.getElementById('menu-count');
  const total = count + reminders;
  menuCount.textContent = total ? plural('notifications.unreadShort', total) : '';
  menuCount.hidden = !total;
}

/** Open or close the phone menu (a disclosure: the button says whether it is open). */
function setMenu(open, { focusToggle = false } = {}) {
  const toggle = document.getElementById('menu-toggle');
  toggle.setAttribute('aria-expanded', String(open));
  document.getElementById('site-header').classList.toggle('site-header--open', open);
  if (focusToggle) toggle.focus();
}

/** Realtime, the outbox of unsent messages (and of tasks ticked offline) and the unread count
 *  follow who is signed in. */
function followUser(user) {
  realtime.start(user);
  outbox.start(user);
  ticks.start(user);
  unread.start(user);
}

/** aria-current="page" on the header link of the section being shown. */
function markCurrentNav() {
  for (const a of document.querySelectorAll('#site-nav a[href]')) {
    const href = a.getAttribute('href');
    const here = window.location.pathname === href || window.location.pathname.startsWith(`${href}/`);
    if (here) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
}

async function signOutHere() {
  await signOut();
  setFlash('success', 'login.signedOut');
  navigate('/login');
}

function wireShell() {
  for (const button of document.querySelectorAll('#lang-switch [data-lang]')) {
    button.addEventListener('click', () => {
      if (button.dataset.lang !== getLanguage()) setLanguage(button.dataset.lang);
    });
  }
  document.getElementById('sign-out').addEventListener('click', signOutHere);
  const toggle = document.getElementById('menu-toggle');
  toggle.addEventListener('click', () => setMenu(toggle.getAttribute('aria-expanded') !== 'true'));
  document.getElementById('site-header').addEventListener('keydown', (event) => {
    if (event.key === 'Escape' && toggle.getAttribute('aria-expanded') === 'true') {
      setMenu(false, { focusToggle: !toggle.hidden && toggle.offsetParent !== null });
    }
  });
  // The skip link moves focus itself so that the URL (which may hold a #token) is kept.
  document.getElementById('skip-link').addEventListener('click', (event) => {
    event.preventDefault();
    const main = document.getElementById('main');
    main.focus();
    main.scrollIntoView();
  });
  on('language', () => {
    updateChrome();
    rerender();
  });
  on('user', (user) => {
    followUser(user);
    updateChrome();
  });
  on('unread', updateUnread);
  on('reviewNotices', updateUnread);
  let shownPath = null;
  on('page', ({ path }) => {
    markCurrentNav();
    // a link of the menu was followed (a change of language renders the same path again)
    if (path !== shownPath) setMenu(false);
    shownPath = path;
  });
  // a request found the session ended (signed out elsewhere, expired, revoked)
  on('unauthorized', async () => {
    if (!getUser()) return;
    await endSession();
    setFlash('info', 'login.sessionEnded');
    const here = window.location.pathname + window.location.search;
    navigate(`/login?next=${encodeURIComponent(here)}`, { replace: true });
  });
}

function watchConnection() {
  const banner = document.getElementById('offline-banner');
  const update = () => {
    banner.hidden = navigator.onLine !== false;
  };
  window.addEventListener('online', update);
  window.addEventListener('offline', update);
  on('connection', (state) => {
    if (state === 'offline') banner.hidden = false;
    else update();
  });
  update();
}

function registerServiceWorker() {
  if (!('serviceWorker' in navigator)) return;
  window.addEventListener('load', () => {
    navigator.serviceWorker.register('/sw.js', { scope: '/' }).catch(() => {
      /* no offline support here; the app still works online */
    });
  });
}

async function boot() {
  await setLanguage(initialLanguage(), { persist: false, silent: true });
  wireShell();
  watchConnection();
  try {
    await loadUser();
  } catch {
    setUser(null);
  }
  updateChrome();
  await startRouter({ getUser });
  document.documentElement.dataset.ready = 'true';
}

registerServiceWorker();
boot();

export { LANGUAGES };
