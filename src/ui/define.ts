/**
 * Registers a custom element once. Vite's hot reload and a second copy of a
 * bundle would otherwise throw "name already defined".
 */
export function defineElement(tag: string, ctor: CustomElementConstructor): void {
  if (!customElements.get(tag)) customElements.define(tag, ctor);
}
