import { h } from '../dom.js';
import { t, localText } from '../i18n.js';
import { getAll, enc } from '../api.js';
import { adminOrganizationIds } from '../session.js';
import { roleList, section, notice } from './common.js';
import { heading } from '../ui/page.js';

export default {
  auth: true,
  async render(root, ctx) {
    const user = ctx.user;
    heading(root, ctx, t('home.greeting', { name: user.displayName }), { title: t('home.title') });
    root.appendChild(h('p', { class: 'lead' }, t('home.intro')));

    const links = h('ul', { class: 'link-list' }, h('li', {}, h('a', { href: '/spaces' }, t('spaces.title'))),
      h('li', {}, h('a', { href: '/account' }, t('account.title'))),
      h('li', {}, h('a', { href: '/catalogue' }, t('catalogue.title'))),
    );
    root.appendChild(section(t('home.whatToDo'), links));

    // Organisations whose users this person manages.
    let manageable = [];
    if (user.isPlatformAdmin) {
      try {
        const orgs = await getAll('/api/v1/organizations', { signal: ctx.signal });
        manageable = orgs.map((o) => ({ id: o.id, name: localText(o.name) }));
      } catch {
        if (!ctx.isCurrent()) return;
        root.appendChild(notice('error', t('error.loadFailed')));
      }
    } else {
      const ids = adminOrganizationIds(user);
      manageable = (user.memberships || [])
        .filter((m) => ids.includes(m.organizationId))
        .map((m) => ({ id: m.organizationId, name: localText(m.organizationName) }));
    }
    for (const org of manageable) {
      links.appendChild(
        h('li', {}, h('a', { href: `/organizations/${enc(org.id)}/users` }, t('home.manageUsers', { organization: org.name }))),
      );
    }

    if (user.isPlatformAdmin) {
      links.appendChild(h('li', {}, h('a', { href: '/admin/security-events' }, t('securityEvents.title'))));
    }

    const memberships = user.memberships || [];
    if (memberships.length) {
      root.appendChild(
        section(
          t('home.organizations'),
          h(
            'ul',
            { class: 'item-list' },
            memberships.map((m) => h('li', {}, h('h3', {}, localText(m.organizationName)), h('p', { class: 'visually-hidden' }, t('home.yourRoles')), roleList(m.roles))),
          ),
        ),
      );
    }
    if (user.isPlatformAdmin) {
      root.appendChild(notice('info', t('home.platformAdmin')));
    }
  },
};
