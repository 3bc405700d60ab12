import { LitElement, css, html } from 'lit';
import { html as staticHtml, literal } from 'lit/static-html.js';
import type { ShoalApp, SwarmId } from '../app-model.ts';
import type { MediaKind } from '../chunks/media-kind.ts';
import { defineElement } from './define.ts';
import { displayText } from './format.ts';
import { caughtErrorMessage, msg } from './messages.ts';
import { baseStyles } from './styles.ts';

type Source = { status: 'pending' } | { status: 'ready'; url: string } | { status: 'error'; message: string };

/**
 * One file played or shown inline while it downloads: a <video>, <audio> or
 * <img> on the file's stream URL. The playhead tells the app which pieces
 * to fetch first.
 *
 * @fires preview-closed - Event, when the user closes the preview.
 */
export class ShoalMediaPreview extends LitElement {
  static override properties = {
    app: { attribute: false },
    swarmId: { attribute: false },
    fileIndex: { attribute: false },
    path: { attribute: false },
    kind: { attribute: false },
    source: { state: true },
  };

  static override styles = [
    baseStyles,
    css`
      :host {
        display: block;
      }
      figure {
        margin: 0;
        display: grid;
        gap: 0.5rem;
      }
      video,
      img {
        max-width: 100%;
        max-height: 70vh;
        border-radius: 10px;
        background: #000;
      }
      audio {
        width: 100%;
      }
      figcaption {
        display: flex;
        justify-content: space-between;
        align-items: center;
        gap: 0.5rem;
        overflow-wrap: anywhere;
      }
    `,
  ];

  declare app: ShoalApp | undefined;
  declare swarmId: SwarmId;
  declare fileIndex: number;
  declare path: string;
  declare kind: MediaKind;
  declare private source: Source;

  constructor() {
    super();
    this.app = undefined;
    this.swarmId = '';
    this.fileIndex = 0;
    this.path = '';
    this.kind = 'video';
    this.source = { status: 'pending' };
  }

  override willUpdate(changed: Map<PropertyKey, unknown>): void {
    if (changed.has('app') || changed.has('swarmId') || changed.has('fileIndex')) void this.#open();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.app?.playheadMoved(this.swarmId, this.fileIndex, null);
  }

  override render() {
    const path = displayText(this.path);
    return html`<figure>
      ${this.#renderMedia(path)}
      <figcaption>
        <span class="muted">${this.kind === 'image' ? path : msg.previewHint}</span>
        <button type="button" aria-label=${msg.closePreviewLabel(path)} @click=${this.#close}>${msg.closePreview}</button>
      </figcaption>
    </figure>`;
  }

  #renderMedia(path: string) {
    const source = this.source;
    if (source.status === 'pending') return html`<p role="status">${msg.previewLoading}</p>`;
    if (source.status === 'error') return html`<p class="notice error" role="alert">${source.message}</p>`;
    switch (this.kind) {
      case 'image':
        return html`<img data-testid="preview-media" src=${source.url} alt=${path} @error=${this.#failed} />`;
      case 'audio':
      case 'video': {
        const tag = this.kind === 'video' ? literal`video` : literal`audio`;
        return staticHtml`<${tag}
          data-testid="preview-media"
          controls
          ?playsinline=${this.kind === 'video'}
          src=${source.url}
          aria-label=${path}
          @canplay=${this.#startOnce}
          @timeupdate=${this.#moved}
          @seeking=${this.#moved}
          @error=${this.#failed}
        ></${tag}>`;
      }
    }
  }

  async #open(): Promise<void> {
    const { app, swarmId, fileIndex } = this;
    if (!app) return;
    this.source = { status: 'pending' };
    let next: Source;
    try {
      next = { status: 'ready', url: await app.streamUrl(swarmId, fileIndex) };
    } catch (err) {
      next = { status: 'error', message: caughtErrorMessage(err) };
    }
    // A different file may have been opened meanwhile.
    if (this.app === app && this.swarmId === swarmId && this.fileIndex === fileIndex) this.source = next;
  }

  /**
   * The user pressed Play: start at the first playable data. `autoplay` would
   * wait until the browser predicts it can play through, which a swarm's
   * bursty arrival rate can put off for most of the download.
   */
  readonly #startOnce = (event: Event): void => {
    const media = event.target as HTMLMediaElement;
    if (media.dataset.started) return;
    media.dataset.started = 'yes';
    // Refused (no user activation left): the controls still play it.
    media.play().catch(() => undefined);
  };

  readonly #moved = (event: Event): void => {
    const media = event.target as HTMLMediaElement;
    if (Number.isFinite(media.duration) && media.duration > 0) {
      this.app?.playheadMoved(this.swarmId, this.fileIndex, media.currentTime / media.duration);
    }
  };

  readonly #failed = (): void => {
    this.source = { status: 'error', message: msg.previewFailed };
  };

  readonly #close = (): void => {
    this.dispatchEvent(new Event('preview-closed', { bubbles: true, composed: true }));
  };
}

defineElement('shoal-media-preview', ShoalMediaPreview);

declare global {
  interface HTMLElementTagNameMap {
    'shoal-media-preview': ShoalMediaPreview;
  }
}
