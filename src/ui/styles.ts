import { css } from 'lit';

/**
 * Colour and type tokens, set once on <shoal-app>; custom properties inherit
 * through shadow roots, so every component below reads the same palette.
 */
export const themeTokens = css`
  :host {
    color-scheme: light dark;
    --shoal-bg: #f4f7f9;
    --shoal-surface: #ffffff;
    --shoal-surface-2: #eef3f6;
    --shoal-text: #17212b;
    --shoal-muted: #5a6775;
    --shoal-border: #d3dde5;
    --shoal-accent: #0b7285;
    --shoal-accent-hover: #095c6b;
    --shoal-on-accent: #ffffff;
    --shoal-danger: #b42318;
    --shoal-danger-bg: #fdf0ee;
    --shoal-warn: #7a5200;
    --shoal-warn-bg: #fff6df;
    --shoal-ok: #17703a;
    --shoal-ok-bg: #e7f6ec;
    --shoal-focus: #1f6feb;
    --shoal-radius: 14px;
    --shoal-shadow: 0 1px 2px rgb(16 24 40 / 6%), 0 4px 16px rgb(16 24 40 / 6%);
    --shoal-font: system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', 'Helvetica Neue',
      Arial, 'PingFang SC', 'Microsoft YaHei', sans-serif;
    --shoal-mono: ui-monospace, SFMono-Regular, Menlo, Consolas, 'Liberation Mono', monospace;
  }
  @media (prefers-color-scheme: dark) {
    :host {
      --shoal-bg: #0e1419;
      --shoal-surface: #161e25;
      --shoal-surface-2: #1d2730;
      --shoal-text: #e4ebf0;
      --shoal-muted: #9aa8b4;
      --shoal-border: #2c3843;
      --shoal-accent: #4fc6d9;
      --shoal-accent-hover: #7ad6e4;
      --shoal-on-accent: #06262c;
      --shoal-danger: #ff8a7d;
      --shoal-danger-bg: #321614;
      --shoal-warn: #f0c060;
      --shoal-warn-bg: #2c230f;
      --shoal-ok: #6fdc8c;
      --shoal-ok-bg: #12291a;
      --shoal-focus: #79b8ff;
      --shoal-shadow: none;
    }
  }
`;

/** Elements every component uses: buttons, focus rings, progress, notices, stats. */
export const baseStyles = css`
  :host {
    font-family: var(--shoal-font);
    color: var(--shoal-text);
    line-height: 1.5;
  }
  *,
  *::before,
  *::after {
    box-sizing: border-box;
  }
  h2,
  h3,
  p {
    margin: 0;
  }
  a {
    color: var(--shoal-accent);
  }
  button {
    font: inherit;
    font-weight: 600;
    min-height: 44px;
    padding: 0.5rem 1.1rem;
    border-radius: 10px;
    border: 1px solid var(--shoal-border);
    background: var(--shoal-surface);
    color: var(--shoal-text);
    cursor: pointer;
  }
  button:hover:not(:disabled) {
    background: var(--shoal-surface-2);
  }
  button.primary {
    background: var(--shoal-accent);
    border-color: var(--shoal-accent);
    color: var(--shoal-on-accent);
  }
  button.primary:hover:not(:disabled) {
    background: var(--shoal-accent-hover);
  }
  button:disabled {
    cursor: not-allowed;
    opacity: 0.55;
  }
  :focus-visible {
    outline: 3px solid var(--shoal-focus);
    outline-offset: 2px;
  }
  .card {
    background: var(--shoal-surface);
    border: 1px solid var(--shoal-border);
    border-radius: var(--shoal-radius);
    box-shadow: var(--shoal-shadow);
    padding: clamp(1rem, 4vw, 1.75rem);
  }
  .muted {
    color: var(--shoal-muted);
  }
  .notice {
    border-radius: 10px;
    padding: 0.65rem 0.9rem;
    border: 1px solid currentColor;
  }
  .notice.error {
    color: var(--shoal-danger);
    background: var(--shoal-danger-bg);
  }
  .notice.warn {
    color: var(--shoal-warn);
    background: var(--shoal-warn-bg);
  }
  .notice.ok {
    color: var(--shoal-ok);
    background: var(--shoal-ok-bg);
  }
  progress {
    appearance: none;
    width: 100%;
    height: 0.75rem;
    border: none;
    border-radius: 999px;
    overflow: hidden;
    background: var(--shoal-surface-2);
    accent-color: var(--shoal-accent);
  }
  progress::-webkit-progress-bar {
    background: var(--shoal-surface-2);
  }
  /* No transition on the bar's width: animating it re-ran layout and paint on every frame
     between the four updates a second, a third of a downloading page's main thread. */
  progress::-webkit-progress-value {
    background: var(--shoal-accent);
    border-radius: 999px;
  }
  progress::-moz-progress-bar {
    background: var(--shoal-accent);
    border-radius: 999px;
  }
  dl.stats {
    display: grid;
    grid-template-columns: repeat(auto-fit, minmax(7.5rem, 1fr));
    gap: 0.75rem;
    margin: 0;
  }
  dl.stats div {
    background: var(--shoal-surface-2);
    border-radius: 10px;
    padding: 0.5rem 0.75rem;
  }
  dl.stats dt {
    font-size: 0.8rem;
    color: var(--shoal-muted);
  }
  dl.stats dd {
    margin: 0;
    font-weight: 600;
    font-variant-numeric: tabular-nums;
  }
  .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    padding: 0;
    margin: -1px;
    overflow: hidden;
    clip-path: inset(50%);
    white-space: nowrap;
    border: 0;
  }
`;

/** A block-level panel whose card stacks its sections on a grid. */
export const panelStyles = css`
  :host {
    display: block;
  }
  .card {
    display: grid;
    gap: 1rem;
  }
`;

/** A password field (making a share, opening one): a touch-sized box that grows to fill its row from `--password-basis`. */
export const passwordFieldStyles = css`
  input[type='password'] {
    font: inherit;
    min-height: 44px;
    padding: 0.4rem 0.6rem;
    border-radius: 10px;
    border: 1px solid var(--shoal-border);
    background: var(--shoal-surface-2);
    color: inherit;
    flex: 1 1 var(--password-basis, 12rem);
  }
`;
