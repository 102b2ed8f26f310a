import { h } from '../dom.js';
import { t } from '../i18n.js';
import { heading } from './common.js';

export default {
  async render(root, ctx) {
    heading(root, ctx, t('notFound.title'));
    root.appendChild(h('p', {}, t('notFound.text')));
    root.appendChild(h('p', {}, h('a', { href: '/' }, t('action.toHome'))));
  },
};
