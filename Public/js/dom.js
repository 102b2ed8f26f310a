// Tiny DOM helpers. Text is always set with textContent: no HTML strings, no inline styles.

/**
 * h('button', {class: 'btn', type: 'button', onClick: fn}, 'Text', child, [more])
 * Attribute values: true → empty attribute, false/null/undefined → left out.
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === false || value === null || value === undefined) continue;
    if (key.startsWith('on') && typeof value === 'function') {
      el.addEventListener(key.slice(2).toLowerCase(), value);
    } else if (key === 'class') {
      el.className = Array.isArray(value) ? value.filter(Boolean).join(' ') : value;
    } else if (key === 'dataset') {
      Object.assign(el.dataset, value);
    } else if (key === 'value' && (tag === 'input' || tag === 'select' || tag === 'textarea')) {
      el.value = value;
    } else if (key === 'checked' || key === 'selected') {
      el[key] = Boolean(value);
      if (value) el.setAttribute(key, '');
    } else {
      el.setAttribute(key, value === true ? '' : String(value));
    }
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else if (child instanceof Node) el.appendChild(child);
    else el.appendChild(document.createTextNode(String(child)));
  }
}

export function clear(el) {
  while (el.firstChild) el.removeChild(el.firstChild);
  return el;
}

let counter = 0;
export function uid(prefix = 'id') {
  counter += 1;
  return `${prefix}-${counter}`;
}

/** Put text into a live region so that it is announced again even when it did not change. */
export function announceIn(region, content) {
  clear(region);
  if (content === null || content === undefined || content === '') return;
  // A short delay makes screen readers notice the change reliably.
  window.setTimeout(() => {
    clear(region);
    append(region, [content]);
  }, 50);
}

/** Set the text immediately (tests and sighted users see it at once); still a live region. */
export function setLive(region, content) {
  clear(region);
  if (content === null || content === undefined || content === '') return;
  append(region, [content]);
}

export function addToken(el, attr, token) {
  const list = (el.getAttribute(attr) || '').split(/\s+/).filter(Boolean);
  if (!list.includes(token)) list.push(token);
  el.setAttribute(attr, list.join(' '));
}

export function removeToken(el, attr, token) {
  const list = (el.getAttribute(attr) || '').split(/\s+/).filter((x) => x && x !== token);
  if (list.length) el.setAttribute(attr, list.join(' '));
  else el.removeAttribute(attr);
}
