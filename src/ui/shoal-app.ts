import { LitElement, ReactiveElement, css, html, nothing } from 'lit';
import type { HashingProgress, ShareInputFile, ShoalApp, SwarmId } from '../app-model.ts';
import { defineElement } from './define.ts';
import { shoalLogo } from './logo.ts';
import { takeSharedFiles } from '../chunks/share-target.ts';
import './drop-zone.ts';
import './language-switch.ts';
import './library-view.ts';
import './open-link.ts';
import './share-options.ts';
import './share-panel.ts';
import './storage-panel.ts';
import './update-toast.ts';
import { onLocaleChanged } from './locale.ts';
import { caughtErrorMessage, msg } from './messages.ts';
import { routeFor, type Route } from './route.ts';
import { baseStyles, themeTokens } from './styles.ts';
import { UpdateThrottle } from './update-throttle.ts';

type ShareStep =
  | { status: 'initial' }
  | { status: 'pending'; abort: AbortController }
  | { status: 'error'; message: string };

/** Hashing reports arrive per piece; a few repaints a second are plenty. */
const PROGRESS_INTERVAL_MS = 250;

/**
 * The page: routes on `location.hash` (empty → share files, anything else →
 * open that link) and owns the one async step the UI starts itself, creating
 * a share.
 */
export class ShoalAppElement extends LitElement {
  static override properties = {
    app: { attribute: false },
    route: { state: true },
    shares: { state: true },
    step: { state: true },
    updateReady: { attribute: false },
  };

  static override styles = [
    themeTokens,
    baseStyles,
    css`
      :host {
        display: block;
        min-height: 100vh;
        background: var(--shoal-bg);
      }
      .page {
        display: grid;
        gap: 1.5rem;
        max-width: 46rem;
        margin: 0 auto;
        padding: clamp(1rem, 4vw, 2.5rem) clamp(0.75rem, 4vw, 1.5rem) 3rem;
      }
      header {
        display: grid;
        grid-template-columns: minmax(0, 1fr) auto;
        gap: 0.25rem 1rem;
        align-items: start;
      }
      header p {
        grid-column: 1 / -1;
      }
      h1 {
        margin: 0;
        font-size: clamp(1.6rem, 5vw, 2.1rem);
        letter-spacing: -0.02em;
      }
      h1 a {
        color: inherit;
        text-decoration: none;
        display: inline-flex;
        align-items: center;
        gap: 0.5rem;
      }
      h1 svg {
        width: 1.6em;
        height: 1.6em;
      }
      main,
      .shares {
        display: grid;
        gap: 1.25rem;
      }
      .card {
        display: grid;
        gap: 0.5rem;
      }
      footer {
        font-size: 0.875rem;
      }
    `,
  ];

  declare app: ShoalApp | undefined;
  declare private route: Route;
  declare private shares: readonly SwarmId[];
  declare private step: ShareStep;
  /** Set when a new version waits: calling it reloads into that version. */
  declare updateReady: (() => void) | null;
  #progress: HashingProgress = { bytesHashed: 0, totalBytes: 0 };
  readonly #progressThrottle = new UpdateThrottle(() => this.requestUpdate(), PROGRESS_INTERVAL_MS);
  #stopLocaleListener: (() => void) | undefined;

  constructor() {
    super();
    this.app = undefined;
    this.route = { kind: 'home' };
    this.shares = [];
    this.step = { status: 'initial' };
    this.updateReady = null;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    addEventListener('hashchange', this.#syncRoute);
    // A file dropped beside the drop zone would otherwise replace this page (and its seeds).
    addEventListener('dragover', preventFileNavigation);
    addEventListener('drop', preventFileNavigation);
    addEventListener('paste', this.#onPaste);
    this.#stopLocaleListener = onLocaleChanged(() => requestUpdateTree(this));
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    removeEventListener('hashchange', this.#syncRoute);
    removeEventListener('dragover', preventFileNavigation);
    removeEventListener('drop', preventFileNavigation);
    removeEventListener('paste', this.#onPaste);
    this.#stopLocaleListener?.();
    this.#progressThrottle.cancel();
  }

  override willUpdate(changed: Map<PropertyKey, unknown>): void {
    if (changed.has('app')) this.#syncRoute();
  }

  override render() {
    if (!this.app) return nothing;
    return html`
      <div class="page">
        <header>
          <h1><a href="#">${shoalLogo()}${msg.appName}</a></h1>
          <shoal-language-switch></shoal-language-switch>
          <p class="muted">${msg.tagline}</p>
        </header>
        <main>${this.#renderRoute(this.app)}</main>
        <footer class="muted">${msg.privacyNote}</footer>
      </div>
      <shoal-update-toast ?open=${this.updateReady !== null} @update-accepted=${() => this.updateReady?.()}></shoal-update-toast>
    `;
  }

  #renderRoute(app: ShoalApp) {
    switch (this.route.kind) {
      case 'home':
      case 'incoming-share':
        return this.#renderHome(app);
      case 'link':
        return html`
          <shoal-open-link .app=${app} .fragment=${this.route.fragment}></shoal-open-link>
          <p><a href="#">${msg.homeLink}</a></p>
        `;
    }
  }

  #renderHome(app: ShoalApp) {
    const step = this.step;
    return html`
      <div class="shares">
        <shoal-share-options ?hidden=${step.status === 'pending'}></shoal-share-options>
        <shoal-drop-zone
          .hashing=${step.status === 'pending' ? this.#progress : null}
          @files-chosen=${this.#onFilesChosen}
          @cancel-requested=${this.#onCancel}
        ></shoal-drop-zone>
        ${step.status === 'error'
          ? html`<p class="notice error" role="alert">${step.message}</p>`
          : nothing}
        ${this.shares.map(
          (id) => html`<shoal-share-panel .app=${app} .swarmId=${id}></shoal-share-panel>`,
        )}
        <shoal-library-view .app=${app}></shoal-library-view>
        <shoal-storage-panel .app=${app}></shoal-storage-panel>
      </div>
    `;
  }

  readonly #syncRoute = (): void => {
    this.route = this.app ? routeFor(location.hash) : { kind: 'home' };
    if (this.route.kind === 'incoming-share') {
      // The fragment has done its job; a reload must not share the files again.
      history.replaceState(null, '', location.pathname);
      void this.#shareIncoming();
    }
  };

  async #shareIncoming(): Promise<void> {
    let files: File[];
    try {
      files = await takeSharedFiles();
    } catch (err) {
      console.error('shoal: reading shared files failed', err);
      this.step = { status: 'error', message: msg.sharedFilesFailed(err instanceof Error ? err.message : String(err)) };
      return;
    }
    if (files.length > 0) await this.#share(files.map((file) => ({ file, path: file.name })));
  }

  /** Files pasted anywhere on the home screen start a share, as a drop would. */
  readonly #onPaste = (event: ClipboardEvent): void => {
    const files = pastedFiles(event);
    if (files.length === 0 || this.route.kind !== 'home') return;
    event.preventDefault();
    void this.#share(files);
  };

  #onFilesChosen(event: CustomEvent<ShareInputFile[]>): Promise<void> {
    return this.#share(event.detail);
  }

  async #share(files: ShareInputFile[]): Promise<void> {
    const app = this.app;
    if (!app || this.step.status === 'pending') return;
    const choice = this.renderRoot.querySelector('shoal-share-options')?.choice ?? { visibility: 'private', keepInLibrary: true };
    const abort = new AbortController();
    this.#progress = { bytesHashed: 0, totalBytes: files.reduce((sum, f) => sum + f.file.size, 0) };
    this.step = { status: 'pending', abort };
    const isCurrent = () => this.step.status === 'pending' && this.step.abort === abort;
    try {
      const swarmId = await app.createShare(files, {
        ...choice,
        signal: abort.signal,
        onProgress: (progress) => {
          if (!isCurrent()) return;
          this.#progress = progress;
          this.#progressThrottle.notify();
        },
      });
      if (!isCurrent()) return;
      this.shares = [swarmId, ...this.shares.filter((id) => id !== swarmId)];
      this.step = { status: 'initial' };
    } catch (err) {
      if (!isCurrent()) return;
      console.error('shoal: creating share failed', err);
      this.step = { status: 'error', message: caughtErrorMessage(err) };
    }
  }

  #onCancel(): void {
    if (this.step.status !== 'pending') return;
    this.step.abort.abort();
    // Whatever createShare settles with now is stale and dropped.
    this.step = { status: 'initial' };
  }
}

/** The files on a paste (files copied in a file manager, a screenshot); none for pasted text. */
function pastedFiles(event: ClipboardEvent): ShareInputFile[] {
  return Array.from(event.clipboardData?.files ?? [], (file) => ({ file, path: file.name }));
}

/** Components read `msg` as they render, so after a language switch every one of them renders again. */
function requestUpdateTree(root: ReactiveElement): void {
  root.requestUpdate();
  for (const child of root.renderRoot.querySelectorAll('*')) {
    if (child instanceof ReactiveElement) requestUpdateTree(child);
  }
}

function preventFileNavigation(event: DragEvent): void {
  // defaultPrevented: the drop zone took this one and set its own dropEffect.
  if (event.defaultPrevented || !event.dataTransfer?.types.includes('Files')) return;
  event.preventDefault();
  if (event.type === 'dragover') event.dataTransfer.dropEffect = 'none';
}

defineElement('shoal-app', ShoalAppElement);

declare global {
  interface HTMLElementTagNameMap {
    'shoal-app': ShoalAppElement;
  }
}
