/*
 * Ohjaustila – the service catalogue's search for another site's page. Put where the search
 * should show:
 *
 *   <script src="https://SERVER/embed/widget.js" data-municipality="091" data-category="tyonhaku"
 *           data-lang="fi" async></script>
 *
 * (every data- attribute may be left out; the language is then the page's own when it is Swedish
 * or English, else Finnish). The script puts an <iframe> of https://SERVER/embed/search after
 * itself and makes it as high as the search's content: the framed page sends its height, and
 * only a message from that frame and from SERVER is listened to. The server shows the search only
 * to the sites its platform admins have allowed; on others the browser leaves the frame empty.
 * A page may have several of these. Nothing is added to the page's globals.
 */
(function () {
  'use strict';

  var PATH = '/embed/widget.js';
  var DONE = 'data-ohjaustila-embed';
  var MESSAGE = 'ohjaustila-embed-height';
  var LANGUAGES = ['fi', 'sv', 'en'];
  var TITLES = { fi: 'Palvelumanuaalin haku', sv: 'Sökning i servicemanualen', en: 'Service catalogue search' };
  var MIN_HEIGHT = 80;
  var MAX_HEIGHT = 8000;
  var FIRST_HEIGHT = 200;

  function pathOf(script) {
    try {
      return new URL(script.src, document.baseURI).pathname;
    } catch (e) {
      return '';
    }
  }

  function isOurs(script) {
    return !!script && !!script.src && !script.hasAttribute(DONE) && pathOf(script).slice(-PATH.length) === PATH;
  }

  /** This script's element: document.currentScript, else the last one of ours not yet used. */
  function ownScript() {
    if (isOurs(document.currentScript)) return document.currentScript;
    var scripts = document.getElementsByTagName('script');
    for (var i = scripts.length - 1; i >= 0; i -= 1) {
      if (isOurs(scripts[i])) return scripts[i];
    }
    return null;
  }

  function language(script) {
    var chosen = (script.getAttribute('data-lang') || '').toLowerCase();
    if (LANGUAGES.indexOf(chosen) >= 0) return chosen;
    var page = (document.documentElement.getAttribute('lang') || '').toLowerCase().split('-')[0];
    return LANGUAGES.indexOf(page) >= 0 ? page : 'fi';
  }

  function clamp(height) {
    return Math.min(MAX_HEIGHT, Math.max(MIN_HEIGHT, Math.ceil(height)));
  }

  function place(script, frame) {
    var parent = script.parentNode;
    if (parent && parent !== document.head && parent.nodeName !== 'HEAD') {
      parent.insertBefore(frame, script.nextSibling);
    } else if (document.body) {
      document.body.appendChild(frame);
    } else {
      document.addEventListener('DOMContentLoaded', function () { document.body.appendChild(frame); });
    }
  }

  function start() {
    var script = ownScript();
    if (!script) return;
    script.setAttribute(DONE, 'ready');

    var server;
    try {
      server = new URL(script.src, document.baseURI).origin;
    } catch (e) {
      return;
    }
    var lang = language(script);
    var query = new URLSearchParams();
    var municipality = (script.getAttribute('data-municipality') || '').trim();
    var category = (script.getAttribute('data-category') || '').trim();
    if (municipality) query.set('municipality', municipality);
    if (category) query.set('category', category);
    query.set('lang', lang);

    var frame = document.createElement('iframe');
    frame.src = server + '/embed/search?' + query.toString();
    frame.title = TITLES[lang];
    frame.className = 'ohjaustila-search';
    frame.setAttribute('loading', 'lazy');
    // properties, not a style attribute: a page whose own policy forbids inline styles works too
    frame.style.display = 'block';
    frame.style.width = '100%';
    frame.style.maxWidth = '100%';
    frame.style.height = FIRST_HEIGHT + 'px';
    frame.style.border = '0';

    window.addEventListener('message', function (event) {
      if (event.source !== frame.contentWindow || event.origin !== server) return;
      var data = event.data;
      if (!data || typeof data !== 'object' || data.type !== MESSAGE) return;
      var height = Number(data.height);
      if (!isFinite(height) || height <= 0) return;
      frame.style.height = clamp(height) + 'px';
    });

    place(script, frame);
  }

  start();
}());
