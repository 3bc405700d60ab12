import { LitElement, css, html, nothing } from 'lit';
import { ShoalError, type ShoalApp, type ShoalErrorCode, type SwarmId } from '../app-model.ts';
import { defineElement } from './define.ts';
import { errorMessage, msg } from './messages.ts';
import { baseStyles, passwordFieldStyles } from './styles.ts';
import './transfer-view.ts';

type OpenStep =
  | { status: 'pending' }
  /** The link needs its password; `wrong` after a refused try, `checking` while Argon2id runs. */
  | { status: 'password'; checking: boolean; wrong: boolean }
  | { status: 'complete'; swarmId: SwarmId }
  | { status: 'error'; code: ShoalErrorCode; detail: string };

/**
 * Opening a share link: asks for the password when the link has one, then
 * shows the download. Opening is async (keys are derived, a password is
 * stretched); a result for a link the page has since left is dropped.
 */
export class ShoalOpenLink extends LitElement {
  static override properties = {
    app: { attribute: false },
    fragment: { attribute: false },
    step: { state: true },
  };

  static override styles = [
    baseStyles,
    css`
      form {
        display: grid;
        gap: 0.6rem;
      }
      .row {
        display: flex;
        flex-wrap: wrap;
        gap: 0.5rem;
      }
      input {
        --password-basis: 14rem;
      }
    `,
    passwordFieldStyles,
  ];

  declare app: ShoalApp | undefined;
  declare fragment: string;
  declare private step: OpenStep;
  /** Bumped per attempt: a slower earlier attempt must not overwrite a later one. */
  #attempt = 0;

  constructor() {
    super();
    this.app = undefined;
    this.fragment = '';
    this.step = { status: 'pending' };
  }

  override willUpdate(changed: Map<PropertyKey, unknown>): void {
    if (changed.has('app') || changed.has('fragment')) {
      this.step = { status: 'pending' };
      void this.#open(undefined);
    }
  }

  override render() {
    const step = this.step;
    switch (step.status) {
      case 'pending':
        return html`<article class="card"><p role="status">${msg.opening}</p></article>`;
      case 'password':
        return this.#renderPassword(step.checking, step.wrong);
      case 'complete':
        return html`<shoal-transfer-view .app=${this.app} .swarmId=${step.swarmId}></shoal-transfer-view>`;
      case 'error':
        return html`
          <div class="card" role="alert">
            <h2>${step.code === 'bad-link' ? msg.badLinkTitle : msg.openFailedTitle}</h2>
            <p>${errorMessage(step.code, step.detail)}</p>
          </div>
        `;
    }
  }

  #renderPassword(checking: boolean, wrong: boolean) {
    return html`
      <form class="card" data-testid="password-form" @submit=${this.#onSubmit}>
        <h2>${msg.passwordTitle}</h2>
        <p class="muted">${msg.passwordHint}</p>
        <label for="password">${msg.passwordLabel}</label>
        <div class="row">
          <input id="password" name="password" type="password" autocomplete="current-password" required ?disabled=${checking} />
          <button class="primary" type="submit" ?disabled=${checking}>${msg.passwordOpen}</button>
        </div>
        ${checking ? html`<p role="status">${msg.passwordChecking}</p>` : nothing}
        ${wrong && !checking ? html`<p class="notice error" role="alert">${msg.errorWrongPassword}</p>` : nothing}
      </form>
    `;
  }

  #onSubmit(event: SubmitEvent): void {
    event.preventDefault();
    const input = this.renderRoot.querySelector<HTMLInputElement>('#password');
    if (!input || input.value === '' || this.step.status !== 'password') return;
    this.step = { status: 'password', checking: true, wrong: false };
    void this.#open(input.value);
  }

  async #open(password: string | undefined): Promise<void> {
    const app = this.app;
    if (!app || this.fragment === '') return;
    const attempt = ++this.#attempt;
    try {
      const swarmId = await app.openLink(this.fragment, { password });
      if (attempt === this.#attempt) this.step = { status: 'complete', swarmId };
    } catch (err) {
      if (attempt !== this.#attempt) return;
      if (err instanceof ShoalError && (err.code === 'password-required' || err.code === 'wrong-password')) {
        this.step = { status: 'password', checking: false, wrong: err.code === 'wrong-password' };
        return;
      }
      if (!(err instanceof ShoalError)) console.error('shoal: opening link failed', err);
      const code = err instanceof ShoalError ? err.code : 'unknown';
      this.step = { status: 'error', code, detail: err instanceof Error ? err.message : String(err) };
    }
  }
}

defineElement('shoal-open-link', ShoalOpenLink);

declare global {
  interface HTMLElementTagNameMap {
    'shoal-open-link': ShoalOpenLink;
  }
}
