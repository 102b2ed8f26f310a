// Language tabs (fi / sv / en) of the editor's texts: the ARIA tab pattern (role tablist / tab /
// tabpanel, one tab in the tab order, arrow keys, Home and End move between the tabs and show
// their panels). A tab whose panel has field errors says so in words ("2 virhettä"), and
// showErrors() turns to such a tab when the one shown has none.
import { h, uid } from '../dom.js';
import { t, plural } from '../i18n.js';

/**
 * languageTabs({label, panels: {fi: [nodes], sv: [...], en: [...]}}) → {element, select(lang,
 * {focus}), selected(), panelOf(lang), showErrors()}. Each panel carries `dataset.lang`; a node
 * inside a panel finds its tabs with `node.closest('[role=tabpanel]').tabs`.
 */
export function languageTabs({ label, panels, className = '' }) {
  const langs = Object.keys(panels);
  const id = uid('tabs');
  const list = h('div', { class: 'tabs__list', role: 'tablist', 'aria-label': label });
  const tabs = {};
  const bodies = {};
  let current = langs[0];

  for (const lang of langs) {
    const tabId = `${id}-${lang}-tab`;
    const panelId = `${id}-${lang}-panel`;
    const errors = h('span', { class: 'tabs__errors' });
    const tab = h('button', {
      type: 'button', role: 'tab', id: tabId, class: 'tabs__tab', 'aria-controls': panelId,
      'aria-selected': 'false', tabindex: '-1', dataset: { lang },
    }, h('span', { class: 'tabs__label' }, t(`editor.language.${lang}`)), errors);
    tab.errors = errors;
    tab.addEventListener('click', () => select(lang));
    tabs[lang] = tab;
    list.appendChild(tab);
    const panel = h('div', { role: 'tabpanel', id: panelId, class: 'tabs__panel', 'aria-labelledby': tabId, hidden: true, dataset: { lang } },
      ...panels[lang]);
    bodies[lang] = panel;
  }

  list.addEventListener('keydown', (event) => {
    const i = langs.indexOf(current);
    let next = null;
    if (event.key === 'ArrowRight') next = langs[(i + 1) % langs.length];
    else if (event.key === 'ArrowLeft') next = langs[(i - 1 + langs.length) % langs.length];
    else if (event.key === 'Home') next = langs[0];
    else if (event.key === 'End') next = langs[langs.length - 1];
    if (!next) return;
    event.preventDefault();
    select(next, { focus: true });
  });

  function select(lang, { focus = false } = {}) {
    if (!tabs[lang]) return;
    current = lang;
    for (const l of langs) {
      const on = l === lang;
      tabs[l].setAttribute('aria-selected', String(on));
      tabs[l].tabIndex = on ? 0 : -1;
      bodies[l].hidden = !on;
    }
    if (focus) tabs[lang].focus();
  }

  /** Mark the tabs whose panels have invalid fields; turn to one of them if the shown one has none. */
  function showErrors() {
    const counts = {};
    for (const lang of langs) {
      const n = bodies[lang].querySelectorAll('.field--invalid').length;
      counts[lang] = n;
      tabs[lang].errors.textContent = n ? plural('editor.tabErrors', n) : '';
      tabs[lang].classList.toggle('tabs__tab--invalid', n > 0);
    }
    if (!counts[current]) {
      const first = langs.find((l) => counts[l]);
      if (first) select(first);
    }
    return counts;
  }

  const api = { select, selected: () => current, panelOf: (lang) => bodies[lang], showErrors };
  for (const lang of langs) bodies[lang].tabs = api;
  const element = h('div', { class: ['tabs', className] }, list, ...langs.map((l) => bodies[l]));
  element.tabs = api;
  select(current);
  return { element, ...api };
}
