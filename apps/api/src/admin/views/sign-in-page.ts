import { SIGN_IN_PATH } from '../admin-paths.js';
import { html } from './html.js';
import { layout } from './layout.js';

export interface SignInForm {
  csrf: string;
  returnTo: string;
  /** Why the last attempt failed, shown above the form. */
  error?: string;
}

/** The sign-in form: an admin's personal access token, typed or pasted, never shown or kept by the browser. */
export function signInPage({ csrf, returnTo, error }: SignInForm): string {
  const body = html`<div class="narrow">
    <h1>Sign in</h1>
    <p>Sign in with a personal access token of an administrator, with the <code>api</code> scope.
      The token is checked again on every page: revoking it ends this session.</p>
    ${error ? html`<p class="notice error" role="alert" id="sign-in-error">${error}</p>` : ''}
    <form method="post" action="${SIGN_IN_PATH}" class="stacked">
      <input type="hidden" name="csrf" value="${csrf}">
      <input type="hidden" name="return_to" value="${returnTo}">
      <label for="token">Personal access token</label>
      <input type="password" id="token" name="token" required autocomplete="off" spellcheck="false"${error ? html` aria-describedby="sign-in-error" aria-invalid="true"` : ''} autofocus>
      <button type="submit" class="button">Sign in</button>
    </form>
  </div>`;
  return layout({ title: 'Sign in', body });
}
