import { t } from '../i18n.js';
import { notFoundMessage } from '../ui/page.js';

export default {
  async render(root, ctx) {
    notFoundMessage(root, ctx, 'notFound', { href: '/', text: t('action.toHome') });
  },
};
