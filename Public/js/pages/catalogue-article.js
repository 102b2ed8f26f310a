// One article of the catalogue (/catalogue/articles/:articleId): the title, the date, the
// municipalities it concerns and the body. The body comes from the server as HTML that is already
// sanitised (Markdown rendered, written HTML escaped, links only to safe addresses); it is the one
// place where the client inserts HTML, and it is still parsed inert and checked once more here
// against an allow-list (articleBody).
import { h } from '../dom.js';
import { t, localText, getLanguage } from '../i18n.js';
import { get, enc, ApiError } from '../api.js';
import { formatDate } from '../format.js';
import { heading, notFoundMessage, printButton } from '../ui/page.js';
import { loadTaxonomy } from '../catalogue/taxonomy.js';
import { breadcrumbs, catalogueCrumb, articleHref, municipalityNames, textLanguage, untranslatedMark } from '../catalogue/parts.js';

// The second pass is an allow-list: named elements with named attributes only. An element not on
// the list is dropped with its content when it can hold code or a form, otherwise replaced by its
// (cleaned) content. Links may go to http, https, mailto, tel or a relative address, images to
// http or https; the parser has already decoded entities ("jav&#x61;script:") and the URL parser
// drops tabs and newlines ("java\tscript:"), so the scheme is checked on the parsed URL.
const ELEMENTS = new Set([
  'p', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'ul', 'ol', 'li', 'a', 'em', 'strong', 'b', 'i', 'code', 'pre',
  'blockquote', 'br', 'hr', 'img', 'table', 'caption', 'thead', 'tbody', 'tfoot', 'tr', 'th', 'td',
  'dl', 'dt', 'dd', 'del', 'ins', 's', 'sub', 'sup', 'mark', 'small', 'abbr',
]);
const ATTRIBUTES = {
  '*': ['title'],
  a: ['href'],
  img: ['src', 'alt', 'width', 'height'],
  ol: ['start'],
  th: ['colspan', 'rowspan', 'scope'],
  td: ['colspan', 'rowspan'],
  abbr: ['title'],
};
const DROP_WITH_CONTENT = new Set([
  'script', 'style', 'template', 'iframe', 'frame', 'frameset', 'object', 'embed', 'applet', 'svg', 'math',
  'noscript', 'noembed', 'noframes', 'xmp', 'textarea', 'select', 'button', 'form', 'input', 'title', 'head', 'link',
  'meta', 'base', 'audio', 'video', 'canvas', 'portal', 'dialog',
]);
const LINK_SCHEMES = new Set(['http:', 'https:', 'mailto:', 'tel:']);
const IMAGE_SCHEMES = new Set(['http:', 'https:']);

/** The address to keep for an href or src, or null when its scheme is not allowed. */
function safeUrl(value, schemes) {
  const raw = value.trim();
  if (raw.startsWith('#') && schemes === LINK_SCHEMES) return raw;
  let url;
  try {
    url = new URL(raw, window.location.origin);
  } catch {
    return null;
  }
  return schemes.has(url.protocol) ? url.href : null;
}

function cleanElement(el) {
  const tag = el.localName;
  const allowed = new Set([...ATTRIBUTES['*'], ...(ATTRIBUTES[tag] || [])]);
  for (const attr of [...el.attributes]) {
    if (!allowed.has(attr.name)) el.removeAttribute(attr.name);
  }
  for (const name of ['href', 'src']) {
    if (!el.hasAttribute(name)) continue;
    const safe = safeUrl(el.getAttribute(name), tag === 'img' ? IMAGE_SCHEMES : LINK_SCHEMES);
    if (safe === null) el.removeAttribute(name);
    else el.setAttribute(name, safe);
  }
  if (tag === 'img' && !el.hasAttribute('src')) {
    el.remove();
    return;
  }
  if (tag === 'img') {
    el.setAttribute('loading', 'lazy');
    if (!el.hasAttribute('alt')) el.setAttribute('alt', '');
  }
  if (tag === 'a' && /^https?:$/.test(el.protocol) && el.origin !== window.location.origin) {
    el.setAttribute('rel', 'noopener noreferrer');
  }
}

function clean(parent) {
  for (const node of [...parent.childNodes]) {
    if (node.nodeType === Node.TEXT_NODE) continue;
    if (node.nodeType !== Node.ELEMENT_NODE) {
      node.remove(); // comments, processing instructions
      continue;
    }
    const tag = node.localName;
    if (DROP_WITH_CONTENT.has(tag) || node.namespaceURI !== 'http://www.w3.org/1999/xhtml') {
      node.remove();
      continue;
    }
    clean(node);
    if (!ELEMENTS.has(tag)) {
      node.replaceWith(...node.childNodes);
      continue;
    }
    if (tag === 'h1') {
      // the page's title is the only <h1>
      const h2 = document.createElement('h2');
      for (const attr of [...node.attributes]) h2.setAttribute(attr.name, attr.value);
      h2.append(...node.childNodes);
      node.replaceWith(h2);
      cleanElement(h2);
      continue;
    }
    cleanElement(node);
  }
}

/**
 * The server's article HTML as DOM nodes (a DocumentFragment): parsed in an inert <template> (no
 * script runs, nothing loads; the page's CSP still blocks, and reports, an inline style in it),
 * then only the allowed elements, attributes and addresses kept.
 */
export function articleBody(html) {
  const template = document.createElement('template');
  template.innerHTML = html || '';
  clean(template.content);
  return template.content;
}

export default {
  async render(root, ctx) {
    root.classList.add('catalogue', 'catalogue-browse', 'catalogue-article');
    const listTitle = t('catalogue.browse.articles');
    let article;
    try {
      [article] = await Promise.all([
        get(`/api/v1/catalogue/articles/${enc(ctx.params.articleId)}?lang=${getLanguage()}`, { signal: ctx.signal }),
        loadTaxonomy(),
      ]);
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) {
        notFoundMessage(root, ctx, 'catalogue.article.notFound', { href: '/catalogue/articles', text: listTitle });
        return;
      }
      throw error;
    }
    if (!ctx.isCurrent()) return;

    const title = localText(article.title);
    const internal = article.audience === 'internal';
    root.appendChild(breadcrumbs([
      catalogueCrumb(),
      { text: listTitle, href: '/catalogue/articles' },
      { text: title, href: articleHref(article.id) },
    ]));
    const page = h('article', { class: ['article', internal && 'article--internal'], dataset: { audience: article.audience } });
    root.appendChild(page);
    const h1 = heading(page, ctx, title);
    const titleLanguage = textLanguage(article.title);
    if (titleLanguage) h1.lang = titleLanguage;
    if (internal) {
      page.appendChild(h('p', { class: 'article-internal' }, t('catalogue.article.internalNote')));
    }
    page.appendChild(h('dl', { class: 'meta article-meta' },
      h('dt', {}, t('catalogue.service.updated')),
      h('dd', {}, h('time', { datetime: article.updatedAt }, formatDate(article.updatedAt))),
      h('dt', {}, t('catalogue.articles.municipalities')),
      h('dd', {}, municipalityNames(article.municipalityCodes))));
    page.appendChild(h('div', { class: 'actions article-actions' }, printButton()));
    // The body in the page's language, or in Finnish marked as such when it has no translation.
    const untranslated = article.language && article.language !== getLanguage();
    if (untranslated) page.appendChild(h('p', { class: 'article-language' }, untranslatedMark(article.language)));
    const body = h('div', { class: 'article-body', lang: untranslated ? article.language : null });
    body.appendChild(articleBody(article.html));
    page.appendChild(body);
  },
};
