// Copying the text of a read-only field (a short link, a list's link, a calendar feed, the widget's
// code): the clipboard when the page may use it; otherwise the text is selected, and the browser's
// own copy tried, so that Ctrl+C or a long press copies it. The caller says which happened.

/** Copies `input`'s value; true when it is on the clipboard, false when it is left selected. */
export async function copyFieldText(input) {
  try {
    if (navigator.clipboard && window.isSecureContext) {
      await navigator.clipboard.writeText(input.value);
      return true;
    }
  } catch {
    /* no permission, or the page is not focused: select it instead */
  }
  input.focus();
  input.select();
  try {
    return document.execCommand('copy');
  } catch {
    return false;
  }
}
