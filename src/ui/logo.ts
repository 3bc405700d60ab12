import { html } from 'lit';

/** The Shoal mark (three fish), drawn in the theme's accent; public/favicon.svg is the same drawing. */
export function shoalLogo() {
  return html`<svg viewBox="0 0 32 32" aria-hidden="true">
    <rect width="32" height="32" rx="8" style="fill: var(--shoal-accent)" />
    <g style="fill: var(--shoal-on-accent)">
      <path d="M6 11c2.5-2.6 6.5-2.6 9 0-2.5 2.6-6.5 2.6-9 0Zm9 0 2.5-2v4Z" />
      <path d="M13 21c2.5-2.6 6.5-2.6 9 0-2.5 2.6-6.5 2.6-9 0Zm9 0 2.5-2v4Z" />
      <path d="M16 14.5c1.8-1.8 4.6-1.8 6.4 0-1.8 1.8-4.6 1.8-6.4 0Zm6.4 0 1.8-1.4v2.8Z" />
    </g>
  </svg>`;
}
