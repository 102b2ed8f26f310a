// Taking a row out of a list (a favourite, a session, a member) without losing the keyboard
// focus: it moves to the same control of the next row, else of the previous one, else to
// `fallback` (usually the list's heading).

const CONTROL = 'a[href], button, input, select, textarea';

/** Remove `row`; focus goes to `selector` in its neighbour, or to `fallback`. Returns the neighbour. */
export function removeRow(row, { fallback = null, selector = CONTROL } = {}) {
  const next = row.nextElementSibling || row.previousElementSibling;
  row.remove();
  const target = next && next.querySelector(selector);
  focusElement(target || fallback);
  return next;
}

/** Focus an element; one that is not a control (a heading) gets tabindex="-1" first. */
export function focusElement(el) {
  if (!el) return;
  if (!el.matches(CONTROL) && !el.hasAttribute('tabindex')) el.setAttribute('tabindex', '-1');
  el.focus();
}
