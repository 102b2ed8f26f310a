// One article of the catalogue (/catalogue/articles/:articleId): the title, the date, the
// municipalities it concerns and the body. The body comes from the server as HTML that is already
// sanitised (Markdown rendered, written HTML escaped, links only to safe addresses); it is the one
// place where the client inserts HTML, and it is still parsed inert and checked once more here.
import { h } from '../dom.js';
import { t, localText } from '../i18n.js';
import { get, enc, ApiError } from '../api.js';
import { formatDate } from '../format.js';
import { heading } from './common.js';
import { loadTaxonomy } from '../catalogue/taxonomy.js';
import { breadcrumbs, catalogueCrumb, articleHref, municipalityNames, textLanguage } from '../catalogue/parts.js';

const DROP = 'script, style, link, meta, base, iframe, frame, object, embed, form, input, button, select, textarea, template, svg, math';
const SAFE_URL = /^(https?:|mailto:|tel:|\/(?!\/)|#)/i;

/** The server's HTML as DOM nodes: parsed in an inert <template>, risky parts left out. */
function articleBody(html) {
  const template = document.createElement('template');
  template.innerHTML = html || '';
  const content = template.content;
  for (const el of content.querySelectorAll(DROP)) el.remove();
  for (const el of content.querySelectorAll('*')) {
    for (const attr of [...el.attributes]) {
      const name = attr.name.toLowerCase();
      if (name.startsWith('on') || name === 'style' || name === 'srcdoc') el.removeAttribute(attr.name);
      else if ((name === 'href' || name === 'src' || name === 'xlink:href' || name === 'action' || name === 'formaction')
        && !SAFE_URL.test(attr.value.trim())) el.removeAttribute(attr.name);
    }
  }
  // the page's title is the only <h1>
  for (const h1 of content.querySelectorAll('h1')) {
    const h2 = document.createElement('h2');
    h2.append(...h1.childNodes);
    h1.replaceWith(h2);
  }
  for (const img of content.querySelectorAll('img')) {
    img.setAttribute('loading', 'lazy');
    if (!img.hasAttribute('alt')) img.setAttribute('alt', '');
  }
  return content;
}

export default {
  async render(root, ctx) {
    root.classList.add('catalogue', 'catalogue-browse', 'catalogue-article');
    const listTitle = t('catalogue.browse.articles');
    let article;
    try {
      [article] = await Promise.all([get(`/api/v1/catalogue/articles/${enc(ctx.params.articleId)}`), loadTaxonomy()]);
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) {
        if (!ctx.isCurrent()) return;
        heading(root, ctx, t('catalogue.article.notFound.title'));
        root.appendChild(h('p', {}, t('catalogue.article.notFound.text')));
        root.appendChild(h('p', {}, h('a', { href: '/catalogue/articles' }, listTitle)));
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
    page.appendChild(h('div', { class: 'actions article-actions' },
      h('button', { type: 'button', class: 'btn btn--secondary', onClick: () => window.print() }, t('catalogue.print'))));
    const body = h('div', { class: 'article-body' });
    body.appendChild(articleBody(article.html));
    page.appendChild(body);
  },
};
