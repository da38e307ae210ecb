// Operator actions: hand the leadership to a member, take a member out. They go to the node that
// served this page, which forwards them to the leader: the admin routes answer no other origin
// (only the read-only routes the page streams from do), so if that node is gone, open the
// dashboard from another member (each member's name links to its own).

/** Shows a line of text in the page's notice area. */
export function notify(text) {
  document.querySelector('#notice').textContent = text;
}

/**
 * Handles the buttons of the members table.
 *
 * @param {HTMLElement} table the members table (buttons are found by event delegation, so rows
 *   that come and go need no wiring)
 * @param {import('./auth.js').Auth} auth
 */
export function wireControls(table, auth) {
  table.addEventListener('click', (e) => {
    const button = e.target.closest('button[data-action]');
    if (!button) return;
    const id = button.closest('[data-member]').dataset.member;
    if (button.dataset.action === 'transfer') {
      act(button, auth, 'POST', '/v1/leader/transfer', { to: id }, `hand the leadership to ${id}`);
    } else if (button.dataset.action === 'remove'
        && confirm(`Remove ${id} from the cluster? Its node stops being a member (a leader hands over first).`)) {
      act(button, auth, 'DELETE', `/v1/members/${encodeURIComponent(id)}`, null, `remove ${id}`);
    }
  });
}

async function act(button, auth, method, path, body, what) {
  button.disabled = true;
  notify(`${what}…`);
  try {
    const headers = { ...auth.headers(), ...(body ? { 'Content-Type': 'application/json' } : {}) };
    const response = await fetch(path, { method, headers, body: body ? JSON.stringify(body) : undefined, cache: 'no-store' });
    const answer = await response.json().catch(() => ({}));
    if (response.ok) {
      notify(`done: ${what}`);
      return;
    }
    if (response.status === 401 || response.status === 403) auth.refused(response.status, what);
    // 504 means it may still happen: the timeline and the members will show whether it did.
    notify(`${what}: ${response.status} ${answer.error ?? ''} ${answer.message ?? ''}`);
  } catch (e) {
    notify(`${what}: the node that served this page does not answer; open the dashboard from another member`);
  } finally {
    button.disabled = false;
  }
}
