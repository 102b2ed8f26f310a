// The service catalogue's search page (/catalogue). The whole search — words, every filter
// and the order — is in the query string: changing it pushes a new history entry, a reload
// or a shared link restores it, and Back / Forward go through the states.
import { h, uid, setLive } from '../dom.js';
import { t, plural, getLanguage } from '../i18n.js';
import { heading } from '../ui/page.js';
import { statusRegion, alertRegion } from '../ui/live.js';
import { pagedList } from '../ui/paged-list.js';
import { searchBox } from '../catalogue/combobox.js';
import { loadTaxonomy, taxonomy, labelFor, categoryTree } from '../catalogue/taxonomy.js';
import { resultItem, serviceHref, rememberSearch as keepSearch } from '../catalogue/parts.js';
import { usesLists } from '../catalogue/favourites.js';
import { shortLinkBox } from '../catalogue/short-link.js';

const PAGE_SIZE = 20;

// Filters with several values, in the order they are shown.
const LIST_FILTERS = ['municipality', 'category', 'lifeSituation', 'employmentStatus', 'language', 'cost', 'mode', 'accessibility', 'sector', 'organization'];
const FIXED = {
  language: ['fi', 'sv', 'en', 'ru', 'ar', 'so', 'et', 'uk'],
  cost: ['free', 'partly-paid', 'paid'],
  mode: ['in-person', 'remote', 'hybrid'],
  accessibility: ['wheelchair', 'signLanguage', 'easyFinnish'],
  sector: ['public', 'private', 'third'],
};
const TAXONOMY_LISTS = {
  municipality: ['municipalities', 'code'],
  category: ['categories', 'id'],
  lifeSituation: ['lifeSituations', 'id'],
  employmentStatus: ['employmentStatuses', 'id'],
  organization: ['organizations', 'id'],
};
const SORTS = ['relevance', 'name', 'updated'];
// A client profile (from a guidance space) that ranks fitting services first; passed through as is.
const STARTS_WEEKS = [2, 4, 8, 12];
const PROFILE = ['profileAge', 'profileMunicipality', 'profileLifeSituation', 'profileEmploymentStatus', 'profileLanguage'];

/** The search state of a query string: {q, age, sort, filters: {name: [values]}}. */
function readState(params) {
  const state = { q: (params.get('q') || '').trim(), age: '', starts: '', sort: 'relevance', filters: {}, profile: {} };
  for (const name of PROFILE) {
    const value = params.getAll(name).join(',').trim();
    if (value) state.profile[name] = value;
  }
  const age = params.get('age');
  if (age && /^\d{1,3}$/.test(age) && Number(age) <= 120) state.age = String(Number(age));
  const starts = params.get('startsWithinWeeks');
  if (starts && /^\d{1,2}$/.test(starts) && Number(starts) >= 1 && Number(starts) <= 52) state.starts = String(Number(starts));
  if (SORTS.includes(params.get('sort'))) state.sort = params.get('sort');
  for (const name of LIST_FILTERS) {
    const values = params.getAll(name).flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);
    state.filters[name] = [...new Set(values)];
  }
  return state;
}

/** The query string of a state (lists as comma-separated values, empty parts left out). */
function stateParams(state) {
  const params = new URLSearchParams();
  if (state.q) params.set('q', state.q);
  for (const name of LIST_FILTERS) {
    const values = state.filters[name] || [];
    if (values.length) params.set(name, values.join(','));
  }
  if (state.age !== '') params.set('age', state.age);
  if (state.starts) params.set('startsWithinWeeks', state.starts);
  if (state.sort && state.sort !== 'relevance') params.set('sort', state.sort);
  for (const name of PROFILE) if (state.profile && state.profile[name]) params.set(name, state.profile[name]);
  return params;
}

function activeFilterCount(state) {
  return LIST_FILTERS.reduce((n, name) => n + state.filters[name].length, 0) + (state.age !== '' ? 1 : 0) + (state.starts ? 1 : 0);
}

export default {
  async render(root, ctx) {
    root.classList.add('catalogue', 'catalogue-search');
    heading(root, ctx, t('catalogue.title'));
    root.appendChild(h('p', { class: 'lead' }, t('catalogue.intro')));
    // staff: the services they opened last, one click away
    if (usesLists(ctx.user)) {
      root.appendChild(h('p', { class: 'catalogue-recent-link' }, h('a', { href: '/catalogue/favourites#recent' }, t('catalogue.recent.title'))));
    }

    let state = readState(ctx.query);

    // ---- search box ----
    const box = searchBox({
      label: t('catalogue.search.label'),
      hint: t('catalogue.search.hint'),
      value: state.q,
      onPick: (item) => {
        if (item.kind === 'service' && item.serviceId) ctx.navigate(serviceHref(item.serviceId));
        else apply({ ...state, q: item.text.trim() });
      },
    });
    const searchForm = h(
      'form',
      { class: 'catalogue-search-form', role: 'search', novalidate: true, 'aria-label': t('catalogue.search.region') },
      box.node,
      h('button', { type: 'submit', class: 'btn btn--primary' }, t('catalogue.search.submit')),
    );
    searchForm.addEventListener('submit', (event) => {
      event.preventDefault();
      box.close();
      apply({ ...state, q: box.input.value.trim() });
    });
    root.appendChild(searchForm);

    // ---- filters ----
    const filtersId = uid('catalogue-filters');
    const toggleLabel = h('span', {});
    const toggle = h(
      'button',
      { type: 'button', class: 'btn btn--secondary filter-toggle', 'aria-expanded': 'false', 'aria-controls': filtersId },
      h('span', { class: 'filter-toggle__icon', 'aria-hidden': 'true' }, '▸'),
      toggleLabel,
    );
    const filtersHeadingId = uid('filters-heading');
    const filterGroups = h('div', { class: 'filter-groups' });
    const clearButton = h('button', { type: 'button', class: 'btn btn--secondary' }, t('catalogue.filters.clear'));
    const showResults = h('button', { type: 'button', class: 'btn btn--primary filter-done' }, t('catalogue.filters.showResults'));
    const filters = h(
      'form',
      { id: filtersId, class: 'catalogue-filters', novalidate: true, 'aria-labelledby': filtersHeadingId },
      h('h2', { id: filtersHeadingId, class: 'catalogue-filters__title' }, t('catalogue.filters.title')),
      filterGroups,
      h('div', { class: 'actions' }, showResults, clearButton),
    );
    filters.addEventListener('submit', (event) => event.preventDefault());
    const setOpen = (open) => {
      toggle.setAttribute('aria-expanded', String(open));
      filters.classList.toggle('is-open', open);
      toggle.querySelector('.filter-toggle__icon').textContent = open ? '▾' : '▸';
    };
    toggle.addEventListener('click', () => setOpen(toggle.getAttribute('aria-expanded') !== 'true'));
    clearButton.addEventListener('click', () => {
      const cleared = readState(new URLSearchParams());
      apply({ ...cleared, q: state.q, sort: state.sort, profile: state.profile });
    });

    // ---- results ----
    const resultsHeadingId = uid('results-heading');
    const count = h('p', { class: 'result-count', role: 'status', 'aria-live': 'polite' });
    const sortSelectId = uid('sort');
    const sortSelect = h(
      'select',
      { id: sortSelectId, name: 'sort' },
      SORTS.map((s) => h('option', { value: s, selected: s === state.sort }, t(`catalogue.sort.${s}`))),
    );
    sortSelect.addEventListener('change', () => apply({ ...state, sort: sortSelect.value }));
    const list = h('ul', { class: 'result-list', 'aria-labelledby': resultsHeadingId });
    const printSummary = h('div', { class: 'print-only' });
    // the words the region's synonyms added, and "did you mean" when the words found nothing
    const wordsNote = h('p', { class: 'search-words-note', hidden: true });
    const didYouMean = h('p', { class: 'did-you-mean', hidden: true });
    const profileNote = h('p', { class: 'notice notice--info', hidden: true }, t('catalogue.profile.note'));
    const favouriteStatus = statusRegion({ hidden: true });
    const problem = alertRegion();
    const more = h('button', { type: 'button', class: 'btn btn--secondary', hidden: true }, t('action.showMore'));
    // signed in: a short link to this search (without the client profile), hidden when the search changes
    const share = ctx.user
      ? shortLinkBox({
        buttonText: t('shortLink.search.button'),
        label: t('shortLink.search.label'),
        hint: t('shortLink.search.hint'),
        request: () => ({ search: stateParams(state).toString() }),
        isCurrent: ctx.isCurrent,
      })
      : null;
    const results = h(
      'section',
      { class: 'catalogue-results', 'aria-labelledby': resultsHeadingId },
      h('div', { class: 'catalogue-results__head' },
        h('h2', { id: resultsHeadingId, tabindex: '-1' }, t('catalogue.results.title')),
        h('div', { class: 'field sort-field' }, h('label', { for: sortSelectId }, t('catalogue.sort.label')), sortSelect)),
      printSummary,
      profileNote,
      count,
      share && share.node,
      wordsNote,
      didYouMean,
      problem,
      favouriteStatus,
      list,
      h('div', { class: 'actions' }, more, h('a', { href: '/catalogue/favourites', class: 'text-link' }, t('catalogue.favourites.link'))),
    );
    showResults.addEventListener('click', () => {
      setOpen(false);
      toggle.scrollIntoView({ block: 'start' });
      results.querySelector('h2').focus();
    });

    // keyboard users can pass the many filters
    const skip = h('a', { href: `#${resultsHeadingId}`, class: 'catalogue-skip' }, t('catalogue.skipToResults'));
    skip.addEventListener('click', (event) => {
      event.preventDefault();
      const target = results.querySelector('h2');
      target.scrollIntoView();
      target.focus();
    });
    root.appendChild(skip);
    // other ways in: by topic, by municipality, the articles
    root.appendChild(
      h('nav', { class: 'catalogue-browse-nav', 'aria-label': t('catalogue.browse.title') },
        h('ul', {},
          h('li', {}, h('a', { href: '/catalogue/categories' }, t('catalogue.browse.categories'))),
          h('li', {}, h('a', { href: '/catalogue/municipalities' }, t('catalogue.browse.municipalities'))),
          h('li', {}, h('a', { href: '/catalogue/articles' }, t('catalogue.browse.articles'))))),
    );
    root.appendChild(
      h('div', { class: 'catalogue-layout' },
        h('div', { class: 'catalogue-layout__filters' }, toggle, filters),
        results),
    );

    // ---- building the filter controls ----
    function optionIds(name, facet) {
      const tax = taxonomy();
      let ids;
      if (FIXED[name]) ids = FIXED[name];
      else if (tax && TAXONOMY_LISTS[name] && Array.isArray(tax[TAXONOMY_LISTS[name][0]])) {
        const [list, key] = TAXONOMY_LISTS[name];
        ids = tax[list].map((x) => x[key]);
      } else ids = facet.map((f) => f.id);
      const counts = new Map(facet.map((f) => [f.id, f.count]));
      const selected = state.filters[name];
      // an option no service has is left out (unless chosen, so that it can be unchosen)
      const shown = ids.filter((id) => counts.get(id) > 0 || selected.includes(id));
      for (const id of selected) if (!shown.includes(id)) shown.push(id);
      return { shown, counts };
    }

    function checkbox(name, id, counts) {
      const cid = uid(`filter-${name}`);
      const n = counts.get(id) || 0;
      return h(
        'li',
        { class: 'choice' },
        h('input', { type: 'checkbox', id: cid, name, value: id, checked: state.filters[name].includes(id), onChange: onFilterChange }),
        h('label', { for: cid }, labelFor(name, id), ' ', h('span', { class: 'facet-count' }, t('catalogue.facetCount', { count: n }))),
      );
    }

    function group(name, content) {
      return h('fieldset', { class: 'filter-group', dataset: { filter: name } }, h('legend', {}, t(`catalogue.filter.${name}`)), content);
    }

    function buildFilters(facets) {
      const nodes = [];
      for (const name of LIST_FILTERS) {
        const facet = (facets && facets[name]) || [];
        const { shown, counts } = optionIds(name, facet);
        if (name === 'language') nodes.push(ageField(), startsField()); // after the employment status, always there
        if (name === 'organization') {
          const selectId = uid('filter-organization');
          const selected = state.filters.organization[0] || '';
          const options = [...shown].sort((a, b) => labelFor(name, a).localeCompare(labelFor(name, b), getLanguage()));
          const select = h(
            'select',
            { id: selectId, name: 'organization', onChange: onFilterChange },
            h('option', { value: '' }, t('catalogue.filter.organization.all')),
            options.map((id) =>
              h('option', { value: id, selected: id === selected }, `${labelFor(name, id)} ${t('catalogue.facetCount', { count: counts.get(id) || 0 })}`),
            ),
          );
          nodes.push(h('div', { class: 'field filter-group', dataset: { filter: name } }, h('label', { for: selectId }, t('catalogue.filter.organization')), select));
          continue;
        }
        if (!shown.length) continue;
        if (name === 'category') {
          const tree = categoryTree(shown);
          nodes.push(
            group(
              name,
              h('ul', { class: 'choices choices--tree' }, tree.map((node) => {
                const li = checkbox(name, node.id, counts);
                if (node.children.length) li.appendChild(h('ul', { class: 'choices' }, node.children.map((c) => checkbox(name, c, counts))));
                return li;
              })),
            ),
          );
          continue;
        }
        nodes.push(group(name, h('ul', { class: 'choices' }, shown.map((id) => checkbox(name, id, counts)))));
      }
      return nodes;
    }

    function ageField() {
      const id = uid('filter-age');
      const input = h('input', {
        id, name: 'age', type: 'text', inputmode: 'numeric', maxlength: '3', autocomplete: 'off', value: state.age, 'aria-describedby': `${id}-hint`,
      });
      input.addEventListener('change', onFilterChange);
      input.addEventListener('keydown', (event) => {
        if (event.key === 'Enter') {
          event.preventDefault();
          onFilterChange();
        }
      });
      return h('div', { class: 'field filter-group filter-age', dataset: { filter: 'age' } },
        h('label', { for: id }, t('catalogue.filter.age')),
        h('span', { class: 'hint', id: `${id}-hint` }, t('catalogue.filter.age.hint')),
        h('span', { class: 'field-error', id: `${id}-error` }),
        input);
    }

    /** "Alkaa N viikon sisällä": services with a course starting from today within that many weeks. */
    function startsField() {
      const id = uid('filter-starts');
      const weeks = [...new Set([...STARTS_WEEKS, ...(state.starts ? [Number(state.starts)] : [])])].sort((a, b) => a - b);
      const select = h('select', { id, name: 'startsWithinWeeks', 'aria-describedby': `${id}-hint`, onChange: onFilterChange },
        h('option', { value: '' }, t('catalogue.filter.starts.any')),
        weeks.map((n) => h('option', { value: String(n), selected: String(n) === state.starts }, plural('catalogue.filter.starts.weeks', n))));
      return h('div', { class: 'field filter-group filter-starts', dataset: { filter: 'startsWithinWeeks' } },
        h('label', { for: id }, t('catalogue.filter.starts')),
        h('span', { class: 'hint', id: `${id}-hint` }, t('catalogue.filter.starts.hint')),
        select);
    }

    function renderFilters(facets) {
      // keep the focus on the same control when the controls are built again
      const active = document.activeElement;
      const focusKey = active && filters.contains(active) && active.name ? { name: active.name, value: active.type === 'checkbox' ? active.value : null } : null;
      filterGroups.replaceChildren(...buildFilters(facets));
      if (focusKey) {
        const selector = focusKey.value === null
          ? `[name="${CSS.escape(focusKey.name)}"]`
          : `[name="${CSS.escape(focusKey.name)}"][value="${CSS.escape(focusKey.value)}"]`;
        const again = filterGroups.querySelector(selector);
        if (again) again.focus();
      }
      const n = activeFilterCount(state);
      toggleLabel.textContent = n ? plural('catalogue.filters.toggleCount', n) : t('catalogue.filters.toggle');
      clearButton.hidden = n === 0;
    }

    function formState() {
      const next = { ...state, filters: {} };
      for (const name of LIST_FILTERS) {
        if (name === 'organization') {
          const select = filters.querySelector('select[name="organization"]');
          next.filters.organization = select && select.value ? [select.value] : [];
        } else {
          next.filters[name] = [...filters.querySelectorAll(`input[name="${name}"]:checked`)].map((c) => c.value);
        }
      }
      const starts = filters.querySelector('select[name="startsWithinWeeks"]');
      next.starts = starts ? starts.value : state.starts;
      const age = filters.querySelector('input[name="age"]');
      const value = age ? age.value.trim() : '';
      next.age = /^\d{1,3}$/.test(value) && Number(value) <= 120 ? String(Number(value)) : '';
      if (age) {
        const error = document.getElementById(`${age.id}-error`);
        const wrong = value !== '' && next.age === '';
        error.textContent = wrong ? t('catalogue.filter.age.invalid') : '';
        age.closest('.field').classList.toggle('field--invalid', wrong);
        if (wrong) {
          age.setAttribute('aria-invalid', 'true');
          age.setAttribute('aria-describedby', `${age.id}-error ${age.id}-hint`);
          return null;
        }
        age.removeAttribute('aria-invalid');
        age.setAttribute('aria-describedby', `${age.id}-hint`);
      }
      return next;
    }

    function onFilterChange() {
      const next = formState();
      if (next) apply(next);
    }

    // ---- searching ----
    function apply(next, { push = true } = {}) {
      state = next;
      if (push) ctx.setQuery(stateParams(state));
      rememberSearch();
      return search();
    }

    function rememberSearch() {
      keepSearch(window.location.pathname + window.location.search);
    }

    function apiUrl(withCursor) {
      const params = stateParams(state);
      params.set('lang', getLanguage());
      params.set('limit', String(PAGE_SIZE));
      if (withCursor) params.set('cursor', withCursor);
      return `/api/v1/catalogue/search?${params}`;
    }

    const pages = pagedList({
      signal: ctx.signal,
      list,
      more,
      problem,
      heading: () => results.querySelector('h2'),
      url: apiUrl,
      row: (item) => resultItem(item, { status: favouriteStatus, headingLevel: 'h3' }),
      onPage(answer, { first }) {
        if (first) showSearch(answer);
        else setLive(count, t('catalogue.results.shown', { shown: list.children.length, count: answer.total || list.children.length }));
      },
    });

    function search() {
      delete results.dataset.loaded;
      if (share) {
        share.reset(); // a link made for the search before is not this one's
        share.setNote(Object.keys(state.profile).length ? t('shortLink.search.profile') : '', { withLink: true });
      }
      return pages.load();
    }

    function showSearch(answer) {
      renderFilters(answer.facets);
      document.title = `${state.q ? `${state.q} – ` : ''}${t('catalogue.title')} – ${t('app.name')}`;
      const total = answer.total || 0;
      // no service has every word: the list shows those that have some of them, and says so
      setLive(count, plural('catalogue.results', total) + (answer.partial ? ` ${t('catalogue.results.partial')}` : ''));
      count.classList.toggle('result-count--partial', Boolean(answer.partial));
      const also = answer.alsoSearched || [];
      wordsNote.hidden = also.length === 0;
      wordsNote.textContent = also.length ? t('catalogue.results.alsoSearched', { words: also.join(', ') }) : '';
      const offers = answer.didYouMean || [];
      didYouMean.hidden = offers.length === 0;
      didYouMean.replaceChildren(
        ...(offers.length ? [t('catalogue.results.didYouMean'), ' '] : []),
        ...offers.flatMap((words, i) => {
          const link = h('a', { href: `/catalogue?${new URLSearchParams({ q: words })}` }, words);
          link.addEventListener('click', (event) => {
            event.preventDefault();
            box.input.value = words;
            apply({ ...state, q: words });
          });
          return i === 0 ? [link] : [', ', link];
        }),
      );
      results.classList.toggle('is-empty', total === 0);
      describeForPrint();
      profileNote.hidden = Object.keys(state.profile).length === 0;
      results.dataset.loaded = stateParams(state).toString(); // which search the list shows (tests wait for it)
    }

    /** On paper: the words, the filters and the address of this search. */
    function describeForPrint() {
      const chosen = [];
      for (const name of LIST_FILTERS) {
        const values = state.filters[name];
        if (values.length) chosen.push(`${t(`catalogue.filter.${name}`)}: ${values.map((v) => labelFor(name, v)).join(', ')}`);
      }
      if (state.age !== '') chosen.push(`${t('catalogue.filter.age')}: ${state.age}`);
      if (state.starts) chosen.push(`${t('catalogue.filter.starts')}: ${plural('catalogue.filter.starts.weeks', Number(state.starts))}`);
      const lines = [];
      if (state.q) lines.push(t('catalogue.print.words', { words: state.q }));
      if (chosen.length) lines.push(t('catalogue.print.filters', { filters: chosen.join('; ') }));
      lines.push(t('catalogue.print.address', { address: window.location.href }));
      printSummary.replaceChildren(...lines.map((line) => h('p', {}, line)));
    }

    // Back / Forward between searches: the controls follow the address.
    ctx.onQueryChange((params) => {
      state = readState(params);
      box.input.value = state.q;
      box.close();
      sortSelect.value = state.sort;
      rememberSearch();
      search();
    });

    renderFilters(null);
    await loadTaxonomy();
    rememberSearch();
    await search();
  },
};

