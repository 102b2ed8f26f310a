// Live regions. They are in the page (and in the accessibility tree) from the start, empty, so
// that screen readers announce what is put in them later; an empty region takes no room (CSS:
// .live-region:empty has no padding or margin, but is never display:none).
import { h } from '../dom.js';

export { setLive, announceIn } from '../dom.js';

/** A polite status region (role="status") for "saved" style messages; `hidden` = for screen readers only. */
export function statusRegion({ hidden = false } = {}) {
  return h('div', { class: hidden ? 'live-region visually-hidden' : 'live-region', role: 'status', 'aria-live': 'polite' });
}

/** An assertive error region (role="alert"). */
export function alertRegion() {
  return h('div', { class: 'live-region', role: 'alert' });
}
