// The bearer token. The page holds no data and needs none to load; the API may want a token (a node
// with auth.tokens.file). The page asks for one only when a node answers 401, and keeps it in
// sessionStorage: for this tab only, gone when it closes, never in a URL or a cookie.

const KEY = 'bellwether.token';

export class Auth {
  /** @param {HTMLFormElement} form the token form (hidden until a token is needed) */
  constructor(form) {
    this.form = form;
    this.input = form.querySelector('input');
    this.message = form.querySelector('.message');
    form.addEventListener('submit', (e) => {
      e.preventDefault(); // nothing is sent anywhere: the token stays in this tab
      this.set(this.input.value.trim());
    });
  }

  /** Headers for a request: Authorization when a token was given. */
  headers() {
    const token = sessionStorage.getItem(KEY);
    return token ? { Authorization: `Bearer ${token}` } : {};
  }

  set(token) {
    if (token) sessionStorage.setItem(KEY, token);
    else sessionStorage.removeItem(KEY);
    this.input.value = '';
    this.form.hidden = true;
  }

  /**
   * A node refused a request. 401: no token or one it does not know, so ask (once; the streams keep
   * retrying meanwhile and use the new token as soon as it is set). 403 is a token with too small a
   * role: say so, since another token is the fix.
   */
  refused(status, what) {
    if (!this.form.hidden) return;
    const had = sessionStorage.getItem(KEY) !== null;
    this.message.textContent = status === 403
      ? `This token may not ${what}; an admin token may.`
      : had ? 'The node did not accept this token.' : 'The nodes want a bearer token (any role can watch).';
    this.form.hidden = false;
    this.input.focus();
  }
}
