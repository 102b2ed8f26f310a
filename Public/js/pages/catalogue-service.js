// A service's page in the catalogue (/catalogue/services/:serviceId): every public field in
// sections, and for experts the internal instructions in a clearly marked band, "Lisää
// ohjaustilaan" (the service into the plan of one of their open spaces) and, when the service is
// flagged outdated (`outdated: true`, 150 days without a review), a notice that says so. Under the
// organisation, the languages the service is complete in (`completeLanguages`); with "where and
// when", the course and application periods still to come and the weekly times.
import { h, uid } from '../dom.js';
import { t, localText, localTextIn, getLanguage } from '../i18n.js';
import { get, enc, ApiError } from '../api.js';
import { formatDate } from '../format.js';
import { notice, section } from './common.js';
import { heading, notFoundMessage, printButton } from '../ui/page.js';
import { statusRegion } from '../ui/live.js';
import { loadTaxonomy, labelFor } from '../catalogue/taxonomy.js';
import { serviceBadges, favouriteButton, lastSearch, categoryHref, municipalityHref, untranslatedMark, textLanguage } from '../catalogue/parts.js';
import { isExpertUser } from '../spaces/common.js';
import { addToSpacePanel } from '../spaces/plan.js';
import { editorMemberships } from '../session.js';
import { slotText, WEEKDAYS } from '../editor/common.js';

const INTERNAL_FIELDS = [
  'guidanceProcess', 'obligations', 'statementsAndBenefits', 'travelCompensation',
  'clientRecordInstructions', 'municipalExceptions', 'internalContacts',
];

function text(value) {
  return typeof value === 'string' ? value.trim() : localText(value).trim();
}

/**
 * A text for a <dd> or a line: as it is in the page's language, or, when it has no translation,
 * marked with the language it is in (lang="fi" for screen readers, and "Only in Finnish" to see).
 */
function shown(value) {
  const { text: content, lang } = localTextIn(value);
  const trimmed = (content || '').trim();
  if (!trimmed) return '';
  if (lang === getLanguage()) return trimmed;
  return h('span', {}, untranslatedMark(lang), ' ', h('span', { lang }, trimmed));
}

/** Paragraphs of a text (blank lines separate them), marked as `shown` marks one that is untranslated. */
function paragraphs(value) {
  const { text: content, lang } = localTextIn(value);
  const parts = (content || '')
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter(Boolean);
  if (lang === getLanguage()) return parts.map((p) => h('p', {}, p));
  return parts.map((p, i) => (i === 0
    ? h('p', {}, untranslatedMark(lang), ' ', h('span', { lang }, p))
    : h('p', { lang }, p)));
}

/** <dl> of [label, content] pairs; empty contents are left out. */
function details(pairs) {
  const rows = pairs.filter(([, content]) => content !== null && content !== undefined && content !== '' && !(Array.isArray(content) && !content.length));
  if (!rows.length) return null;
  return h('dl', { class: 'meta service-meta' }, rows.flatMap(([label, content]) => [h('dt', {}, label), h('dd', {}, content)]));
}

/** Today in Helsinki as "YYYY-MM-DD". */
function helsinkiToday() {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Helsinki', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
}

/** The weekly times as a list: "ma 9.00–12.00" (Monday first, then by the start). */
function slotList(slots) {
  const rows = (slots || []).filter((s) => WEEKDAYS.includes(Number(s.weekday)))
    .sort((a, b) => a.weekday - b.weekday || String(a.start).localeCompare(String(b.start)));
  if (!rows.length) return null;
  return h('ul', { class: 'service-times service-slots' }, rows.map((s) => h('li', {}, slotText(s))));
}

/** A course or application period in words: "Kurssi alkaa 1.10.2026", "Haku päättyy 15.9.2026". */
function periodText(p) {
  const start = formatDate(p.start);
  const end = p.end ? formatDate(p.end) : '';
  const started = p.start <= helsinkiToday();
  if (p.kind === 'application') {
    if (!started) return end ? t('catalogue.period.application.range', { start, end }) : t('catalogue.period.application.opens', { date: start });
    return end ? t('catalogue.period.application.ends', { date: end }) : t('catalogue.period.application.open');
  }
  if (!started) return end ? t('catalogue.period.course.range', { start, end }) : t('catalogue.period.course.starts', { date: start });
  return end ? t('catalogue.period.course.ends', { date: end }) : t('catalogue.period.course.started', { date: start });
}

/** The periods (the server leaves out those that have ended), the soonest first. */
function periodList(periods) {
  const rows = [...(periods || [])].sort((a, b) => String(a.start).localeCompare(String(b.start)));
  if (!rows.length) return null;
  return h('ul', { class: 'service-times service-periods' }, rows.map((p) => h('li', { dataset: { kind: p.kind } }, periodText(p))));
}

function ageRange(min, max) {
  if (min !== null && min !== undefined && max !== null && max !== undefined) return t('catalogue.age.range', { min, max });
  if (min !== null && min !== undefined) return t('catalogue.age.min', { min });
  if (max !== null && max !== undefined) return t('catalogue.age.max', { max });
  return '';
}

function names(kind, ids) {
  return (ids || []).map((id) => labelFor(kind, id)).join(', ');
}

export default {
  async render(root, ctx) {
    root.classList.add('catalogue', 'catalogue-service');
    const id = ctx.params.serviceId;
    let service;
    try {
      [service] = await Promise.all([get(`/api/v1/catalogue/services/${enc(id)}`, { signal: ctx.signal }), loadTaxonomy()]);
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) {
        notFoundMessage(root, ctx, 'catalogue.service.notFound', { href: '/catalogue', text: t('catalogue.backToSearch') });
        return;
      }
      throw error;
    }
    if (!ctx.isCurrent()) return;

    root.appendChild(h('p', { class: 'back-link' }, h('a', { href: lastSearch() }, t('catalogue.backToSearch'))));
    const name = localTextIn(service.name);
    const h1 = heading(root, ctx, name.text);
    h1.id = uid('service-name');
    if (name.lang !== getLanguage()) h1.lang = name.lang;
    if (service.organization) {
      root.appendChild(h('p', { class: 'lead service-org', lang: textLanguage(service.organization.name) }, localText(service.organization.name)));
    }
    if (service.archived || service.status === 'archived') {
      root.appendChild(notice('info', h('p', {}, h('strong', {}, t('catalogue.service.archived.title')), t('catalogue.service.archived.text'))));
    } else if (service.status && service.status !== 'published') {
      root.appendChild(notice('info', t(`catalogue.service.status.${service.status}`)));
    }
    if (service.outdated === true) {
      root.appendChild(h('div', { class: 'notice notice--warn service-outdated', dataset: { outdated: 'true' } },
        h('p', {}, h('strong', {}, t('catalogue.outdated.badge'))),
        h('p', {}, service.reviewedAt ? [t('catalogue.outdated.reviewed', { date: formatDate(service.reviewedAt) }), ' '] : null,
          t('catalogue.outdated.check'))));
    }
    const complete = (service.completeLanguages || []).filter((l) => ['fi', 'sv', 'en'].includes(l));
    if (complete.length) {
      root.appendChild(h('p', { class: 'small service-languages', dataset: { languages: complete.join(' ') } },
        t('catalogue.service.completeLanguages', { languages: complete.map((l) => t(`catalogue.languageName.${l}`)).join(', ') })));
    }
    root.appendChild(serviceBadges({ cost: service.cost, modes: (service.delivery && service.delivery.modes) || [], languages: (service.delivery && service.delivery.languages) || [] }));

    const favouriteStatus = statusRegion({ hidden: true });
    // its editors (a content role in its organisation, or a platform admin) edit it in the editor
    const orgId = service.organization && service.organization.id;
    const edits = ctx.user && (ctx.user.isPlatformAdmin || editorMemberships(ctx.user).some((m) => m.organizationId === orgId));
    root.appendChild(h('div', { class: 'actions service-actions' }, favouriteButton(service, { status: favouriteStatus, describedBy: h1.id }), printButton(),
      edits ? h('a', { class: 'btn btn--secondary', href: `/editor/services/${enc(service.id)}`, 'aria-describedby': h1.id, dataset: { action: 'edit' } }, t('editor.editService')) : null));
    root.appendChild(favouriteStatus);
    // an expert picks a published service into one of their spaces' plans
    const published = !service.archived && (!service.status || service.status === 'published');
    if (published && isExpertUser(ctx.user)) root.appendChild(addToSpacePanel({ ctx, service }));

    const summary = shown(service.summary);
    // What
    root.appendChild(section(t('catalogue.service.what'), summary ? h('p', { class: 'service-summary' }, summary) : null, ...paragraphs(service.description),
      (service.categoryIds || []).length
        ? h('p', {}, h('span', { class: 'muted' }, `${t('catalogue.filter.category')}: `),
          (service.categoryIds || []).flatMap((c, i) => [i ? ', ' : '', h('a', { href: categoryHref(c) }, labelFor('category', c))]))
        : null));

    // Who for
    const target = service.targetGroup || {};
    root.appendChild(section(t('catalogue.service.who'), ...paragraphs(target.description),
      details([
        [t('catalogue.filter.age'), ageRange(target.ageMin, target.ageMax)],
        [t('catalogue.filter.municipality'),
          (target.municipalityCodes || []).flatMap((m, i) => [i ? ', ' : '', h('a', { href: municipalityHref(m) }, labelFor('municipality', m))])],
        [t('catalogue.filter.lifeSituation'), names('lifeSituation', target.lifeSituationIds)],
        [t('catalogue.filter.employmentStatus'), names('employmentStatus', target.employmentStatusIds)],
      ])));

    // How to take part
    const part = service.participation || {};
    root.appendChild(section(t('catalogue.service.how'),
      details([
        [t('catalogue.service.howToApply'), shown(part.howToApply)],
        [t('catalogue.service.prerequisites'), shown(part.prerequisites)],
        [t('catalogue.service.benefitsEffect'), shown(part.benefitsEffect)],
        [t('catalogue.service.consents'), shown(part.consents)],
      ]) || h('p', { class: 'muted' }, t('catalogue.service.noInfo'))));

    // Cost
    root.appendChild(section(t('catalogue.service.cost'),
      h('p', {}, h('strong', {}, t(`catalogue.cost.${service.cost}`))),
      ...paragraphs(service.costDescription)));

    // Accessibility
    const acc = service.accessibility || {};
    const features = ['wheelchair', 'signLanguage', 'easyFinnish'].filter((f) => acc[f]);
    root.appendChild(section(t('catalogue.service.accessibility'),
      features.length
        ? h('ul', { class: 'check-list' }, features.map((f) => h('li', {}, t(`catalogue.accessibility.${f}`))))
        : h('p', {}, t('catalogue.service.noAccessibility')),
      ...paragraphs(acc.notes)));

    // Where and when
    const delivery = service.delivery || {};
    const locations = (delivery.locations || []).map((l) =>
      h('li', { class: 'location' },
        text(l.name) ? h('strong', {}, shown(l.name)) : null,
        h('span', {}, [text(l.address), [l.postalCode, text(l.city)].filter(Boolean).join(' ')].filter(Boolean).join(', '))));
    root.appendChild(section(t('catalogue.service.where'),
      details([
        [t('catalogue.filter.mode'), (delivery.modes || []).map((m) => t(`catalogue.mode.${m}`)).join(', ')],
        [t('catalogue.filter.language'), names('language', delivery.languages)],
        [t('catalogue.service.duration'), shown(delivery.duration)],
        [t('catalogue.service.periods'), periodList(delivery.periods)],
        [t('catalogue.service.slots'), slotList(delivery.slots)],
        [t('catalogue.service.schedule'), shown(delivery.schedule)],
      ]),
      locations.length ? h('h3', {}, t('catalogue.service.locations')) : null,
      locations.length ? h('ul', { class: 'plain-list location-list' }, locations) : null));

    // Contacts
    const contacts = (service.contacts || []).map((c) =>
      h('li', { class: 'contact' },
        h('strong', {}, c.name || ''),
        text(c.role) ? h('span', { class: 'muted' }, shown(c.role)) : null,
        c.phone ? h('span', {}, `${t('catalogue.service.phone')}: `, h('a', { href: `tel:${c.phone.replace(/[^\d+]/g, '')}` }, c.phone)) : null,
        c.email ? h('span', {}, `${t('catalogue.service.email')}: `, h('a', { href: `mailto:${c.email}` }, c.email)) : null));
    if (contacts.length) root.appendChild(section(t('catalogue.service.contacts'), h('ul', { class: 'plain-list contact-list' }, contacts)));

    // Links (opened normally, in the same tab)
    const links = (service.links || []).filter((l) => l && /^https?:\/\//i.test(l.url || ''));
    if (links.length) {
      root.appendChild(section(t('catalogue.service.links'),
        h('ul', { class: 'link-list link-list--external' }, links.map((l) => h('li', {}, h('a', { href: l.url, rel: 'noopener' }, text(l.title) || l.url))))));
    }

    // Internal instructions (experts only: the server sends null to everyone else)
    if (service.internal) {
      const internal = service.internal;
      const rows = INTERNAL_FIELDS.map((f) => [t(`catalogue.internal.${f}`), shown(internal[f] || '')]);
      const headingId = uid('internal');
      root.appendChild(
        h('section', { class: 'internal-band', 'aria-labelledby': headingId, dataset: { internal: 'true' } },
          h('h2', { id: headingId }, t('catalogue.internal.title')),
          h('p', { class: 'internal-band__note' }, h('strong', {}, t('catalogue.internal.expertsOnly'))),
          details(rows) || h('p', {}, t('catalogue.service.noInfo'))),
      );
    }

    // Dates
    root.appendChild(details([
      [t('catalogue.service.updated'), service.updatedAt ? h('time', { datetime: service.updatedAt }, formatDate(service.updatedAt)) : ''],
      [t('catalogue.service.reviewed'), service.reviewedAt ? h('time', { datetime: service.reviewedAt }, formatDate(service.reviewedAt)) : ''],
    ]));
  },
};
