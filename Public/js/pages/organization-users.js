import { h, setLive, uid } from '../dom.js';
import { t, localText, getLanguage } from '../i18n.js';
import { get, post, put, del, enc, ApiError } from '../api.js';
import { loadUser } from '../session.js';
import { formatDate, formatDateTime } from '../format.js';
import { confirmDialog, formDialog } from '../dialog.js';
import {
  field, languageField, checkboxGroup, checkedValues, formError, showFieldErrors, showApiError,
  checkEmail, value, busy, clearErrors,
} from '../forms.js';
import { section, submitButton, notice, roleList, roleOptions } from './common.js';
import { heading, noAccess } from '../ui/page.js';
import { statusRegion, alertRegion } from '../ui/live.js';
import { requestMessage } from '../ui/errors.js';
import { pagedList } from '../ui/paged-list.js';
import { removeRow } from '../ui/rows.js';

const STATUS_BADGE = { pending: 'warn', accepted: 'success', expired: 'muted', revoked: 'muted' };

function td(label, ...content) {
  return h('td', { 'data-label': label }, ...content);
}

/** A table whose rows come from a Page<T> route, with a "Show more" button. */
function pagedTable(ctx, { caption, columns, url, row, empty, problem, heading, onError }) {
  const tbody = h('tbody');
  const captionNode = h('caption', { class: 'visually-hidden' }, caption);
  const table = h(
    'table',
    { class: 'table table--cards' },
    captionNode,
    h('thead', {}, h('tr', {}, columns.map((c) => h('th', { scope: 'col' }, c)))),
    tbody,
  );
  const emptyText = h('p', { class: 'muted', hidden: true }, empty);
  const more = h('button', { type: 'button', class: 'btn btn--secondary', hidden: true }, t('action.showMore'));
  const node = h('div', { class: 'table-wrap' }, table, emptyText, h('div', { class: 'actions' }, more));
  const pages = pagedList({
    signal: ctx.signal,
    list: tbody,
    more,
    problem,
    heading,
    onError,
    url: (cursor) => `${url}${url.includes('?') ? '&' : '?'}limit=50${cursor ? `&cursor=${enc(cursor)}` : ''}`,
    row,
    onPage: () => {
      const none = tbody.children.length === 0;
      table.hidden = none;
      emptyText.hidden = !none;
    },
  });
  return { node, load: pages.load, tbody };
}

export default {
  auth: true,
  async render(root, ctx) {
    const orgId = ctx.params.orgId;
    const base = `/api/v1/organizations/${enc(orgId)}`;
    heading(root, ctx, t('orgUsers.title'));

    let org;
    try {
      org = await get(base, { signal: ctx.signal });
    } catch (error) {
      if (!ctx.isCurrent()) return;
      if (error instanceof ApiError && error.isAccessProblem) {
        noAccess(root, ctx);
        return;
      }
      throw error;
    }
    const orgName = localText(org.name);
    ctx.setTitle(`${t('orgUsers.title')}: ${orgName}`);
    root.appendChild(h('p', { class: 'lead' }, orgName));

    const status = statusRegion();
    const alert = alertRegion();
    root.appendChild(status);
    root.appendChild(alert);

    function say(kind, text) {
      setLive(kind === 'error' ? alert : status, notice(kind, text));
      setLive(kind === 'error' ? status : alert, '');
    }

    // ---- members ----
    let denied = false;
    const members = pagedTable(ctx, {
      caption: t('orgUsers.members.title'),
      columns: [t('label.name'), t('label.email'), t('orgUsers.roles'), t('orgUsers.members.since'), t('orgUsers.actions')],
      url: `${base}/members`,
      empty: t('orgUsers.members.empty'),
      row: memberRow,
      problem: alert,
      heading: () => membersSection.querySelector('h2'),
      onError: (error) => {
        denied = error instanceof ApiError && error.isAccessProblem;
        return denied;
      },
    });

    function memberRow(m) {
      const nameId = uid('member');
      const tr = h(
        'tr',
        { dataset: { userId: m.userId } },
        h('th', { scope: 'row', id: nameId }, m.displayName),
        td(t('label.email'), m.email),
        td(t('orgUsers.roles'), roleList(m.roles)),
        td(t('orgUsers.members.since'), h('time', { datetime: m.since }, formatDate(m.since))),
      );
      const edit = h('button', { type: 'button', class: 'btn btn--secondary', 'aria-describedby': nameId }, t('orgUsers.members.editRoles'));
      const remove = h('button', { type: 'button', class: 'btn btn--danger', 'aria-describedby': nameId }, t('orgUsers.members.remove'));
      edit.addEventListener('click', () => editRoles(m, tr));
      remove.addEventListener('click', () => removeMember(m, tr));
      tr.appendChild(h('td', { class: 'cell-actions' }, h('div', { class: 'actions' }, edit, remove)));
      return tr;
    }

    async function editRoles(m, tr) {
      const updated = await formDialog({
        parent: root,
        title: t('orgUsers.members.editRolesTitle', { name: m.displayName }),
        text: m.email,
        submitLabel: t('orgUsers.members.saveRoles'),
        fields: [checkboxGroup({ name: 'roles', legend: t('orgUsers.roles'), hint: t('orgUsers.rolesHint'), options: roleOptions(), values: m.roles })],
        validate: (form) =>
          showFieldErrors(form, checkedValues(form, 'roles').length ? [] : [{ field: 'roles', code: 'field.required' }]),
        onSubmit: (form) => put(`${base}/members/${enc(m.userId)}/roles`, { roles: checkedValues(form, 'roles') }),
      });
      if (!updated) return;
      const fresh = memberRow(updated);
      tr.replaceWith(fresh);
      fresh.querySelector('button').focus();
      say('success', t('orgUsers.members.rolesSaved', { name: updated.displayName }));
      if (updated.userId === ctx.user.id) await loadUser({ refresh: true });
    }

    async function removeMember(m, tr) {
      const ok = await confirmDialog({
        parent: root,
        title: t('orgUsers.members.removeTitle', { name: m.displayName }),
        text: t('orgUsers.members.removeText', { name: m.displayName, organization: orgName }),
        confirmLabel: t('orgUsers.members.removeConfirm'),
        danger: true,
      });
      if (!ok) return;
      try {
        await del(`${base}/members/${enc(m.userId)}`);
        removeRow(tr, { selector: 'button', fallback: membersSection.querySelector('h2') });
        say('success', t('orgUsers.members.removed', { name: m.displayName }));
      } catch (error) {
        say('error', requestMessage(error));
      }
    }

    // ---- invitations ----
    const invitations = pagedTable(ctx, {
      problem: alert,
      heading: () => invitationsSection.querySelector('h2'),
      caption: t('orgUsers.invitations.title'),
      columns: [t('label.email'), t('orgUsers.roles'), t('orgUsers.invitations.status'), t('orgUsers.invitations.sent'), t('orgUsers.invitations.validUntil'), t('orgUsers.actions')],
      url: `${base}/invitations`,
      empty: t('orgUsers.invitations.empty'),
      row: invitationRow,
    });

    function invitationRow(inv) {
      const emailId = uid('invitation');
      const when = inv.status === 'accepted' && inv.acceptedAt
        ? [t('orgUsers.invitations.acceptedAt'), ' ', h('time', { datetime: inv.acceptedAt }, formatDateTime(inv.acceptedAt))]
        : [h('time', { datetime: inv.expiresAt }, formatDateTime(inv.expiresAt))];
      const tr = h(
        'tr',
        { dataset: { invitationId: inv.id, status: inv.status } },
        h('th', { scope: 'row', id: emailId }, inv.email),
        td(t('orgUsers.roles'), roleList(inv.roles)),
        td(t('orgUsers.invitations.status'), h('span', { class: `badge badge--${STATUS_BADGE[inv.status] || 'muted'}` }, t(`invitation.status.${inv.status}`))),
        td(t('orgUsers.invitations.sent'), h('time', { datetime: inv.createdAt }, formatDateTime(inv.createdAt))),
        td(t('orgUsers.invitations.validUntil'), ...when),
      );
      const actions = h('div', { class: 'actions' });
      if (inv.status === 'pending') {
        const revoke = h('button', { type: 'button', class: 'btn btn--secondary', 'aria-describedby': emailId }, t('orgUsers.invitations.revoke'));
        revoke.addEventListener('click', () => revokeInvitation(inv, tr));
        actions.appendChild(revoke);
      }
      tr.appendChild(h('td', { class: 'cell-actions' }, actions.children.length ? actions : null));
      return tr;
    }

    async function revokeInvitation(inv, tr) {
      const ok = await confirmDialog({
        parent: root,
        title: t('orgUsers.invitations.revokeTitle'),
        text: t('orgUsers.invitations.revokeText', { email: inv.email }),
        confirmLabel: t('orgUsers.invitations.revokeConfirm'),
        danger: true,
      });
      if (!ok) return;
      try {
        await del(`${base}/invitations/${enc(inv.id)}`);
        const fresh = invitationRow({ ...inv, status: 'revoked' });
        tr.replaceWith(fresh);
        say('success', t('orgUsers.invitations.revoked', { email: inv.email }));
        root.querySelector('#invitations-heading').focus();
      } catch (error) {
        say('error', requestMessage(error));
      }
    }

    // ---- invite form ----
    const inviteStatus = statusRegion();
    const inviteForm = h(
      'form',
      { novalidate: true },
      formError(),
      field({ name: 'email', type: 'email', label: t('label.email'), hint: t('orgUsers.invite.emailHint'), attrs: { inputmode: 'email' } }),
      checkboxGroup({ name: 'roles', legend: t('orgUsers.roles'), hint: t('orgUsers.rolesHint'), options: roleOptions() }),
      languageField({ label: t('orgUsers.invite.language'), hint: t('orgUsers.invite.languageHint'), value: getLanguage() }),
      h('div', { class: 'actions' }, submitButton(t('orgUsers.invite.submit'))),
    );
    inviteForm.addEventListener('submit', async (event) => {
      event.preventDefault();
      const roles = checkedValues(inviteForm, 'roles');
      const problems = [...checkEmail(inviteForm, 'email'), ...(roles.length ? [] : [{ field: 'roles', code: 'field.required' }])];
      if (showFieldErrors(inviteForm, problems)) return;
      const done = busy(inviteForm);
      if (!done) return;
      setLive(inviteStatus, '');
      const email = value(inviteForm, 'email').trim();
      try {
        await post(`${base}/invitations`, { email, roles, language: value(inviteForm, 'language') });
        clearErrors(inviteForm);
        inviteForm.elements.namedItem('email').value = '';
        for (const box of inviteForm.querySelectorAll('input[type="checkbox"]')) box.checked = false;
        setLive(inviteStatus, notice('success', t('orgUsers.invite.sent', { email })));
        await invitations.load();
      } catch (error) {
        showApiError(inviteForm, error);
      } finally {
        done();
      }
    });

    const membersSection = section(t('orgUsers.members.title'), members.node);
    const inviteSection = section(t('orgUsers.invite.title'), h('p', {}, t('orgUsers.invite.intro', { organization: orgName })), inviteStatus, inviteForm);
    const invitationsSection = section(t('orgUsers.invitations.title'), invitations.node);
    invitationsSection.querySelector('h2').id = 'invitations-heading';
    invitationsSection.setAttribute('aria-labelledby', 'invitations-heading');
    invitationsSection.querySelector('h2').setAttribute('tabindex', '-1');

    await members.load();
    if (!ctx.isCurrent()) return;
    if (denied) {
      noAccess(root, ctx);
      return;
    }
    inviteSection.id = 'invite';
    const jump = h('a', { href: '#invite', class: 'btn btn--secondary' }, t('orgUsers.invite.title'));
    jump.addEventListener('click', (event) => {
      event.preventDefault();
      const target = inviteForm.querySelector('input');
      target.scrollIntoView({ block: 'center' });
      target.focus();
    });
    root.appendChild(h('p', {}, jump));
    root.appendChild(membersSection);
    root.appendChild(inviteSection);
    root.appendChild(invitationsSection);
    await invitations.load();
  },
};
