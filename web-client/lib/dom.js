// Small DOM helpers. Text always goes in as text nodes: server data never reaches innerHTML.

// Builds an element. attrs: `class`, `on<event>` handlers, `value`, `checked`, `disabled`, other
// attributes as strings (null/false/undefined are skipped). Children: nodes, strings, arrays.
export function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs ?? {})) {
    if (value == null || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') {
      node.addEventListener(key.slice(2), value);
    } else if (key === 'class') {
      node.className = value;
    } else if (key === 'value' || key === 'checked' || key === 'disabled') {
      node[key] = value;
    } else {
      node.setAttribute(key, value === true ? '' : String(value));
    }
  }
  appendChildren(node, children);
  return node;
}

export function appendChildren(node, children) {
  for (const child of children.flat(Infinity)) {
    if (child == null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

// Replaces root's children (nodes, strings, arrays; null and false are skipped).
export function replace(root, ...children) {
  root.replaceChildren();
  appendChildren(root, children);
}

// Replaces root's children, keeping keyboard focus on the element with the same data-key (or,
// when it is gone or disabled, on the one whose data-key is its data-fallback).
export function renderKeepingFocus(root, ...children) {
  const active = document.activeElement;
  const had = active && root.contains(active) ? active : null;
  root.replaceChildren();
  appendChildren(root, children);
  if (had) focusAgain(had, root);
}

// Focuses `element` if it is still in the page; else the element of `within` (the document by
// default) now carrying its data-key, else its data-fallback; else the page's main region. For
// focus that would otherwise fall to the body after a dialog closes or a part is redrawn.
export function focusAgain(element, within = document) {
  if (!element || element === document.body) return;
  if (element.isConnected && !element.disabled) return element.focus();
  const find = (key) => key && within.querySelector(`[data-key="${CSS.escape(key)}"]`);
  const again = find(element.dataset?.key);
  if (again && !again.disabled) return again.focus();
  const fallback = find(element.dataset?.fallback);
  if (fallback) return fallback.focus();
  if (within === document) document.getElementById('main')?.focus();
}

export function debounce(fn, ms) {
  let timer = null;
  const debounced = (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
  debounced.cancel = () => clearTimeout(timer);
  return debounced;
}

const dateTime = new Intl.DateTimeFormat('fr-FR', {dateStyle: 'short', timeStyle: 'medium'});
const dateOnly = new Intl.DateTimeFormat('fr-FR', {dateStyle: 'short'});

export function formatDateTime(iso) {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? '' : dateTime.format(d);
}

export function formatDate(iso) {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? '' : dateOnly.format(d);
}

// Today as "YYYY-MM-DD" in the browser's time zone.
export function todayIso() {
  const d = new Date();
  const two = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())}`;
}

// True when `closedOn` (a registry's "YYYY-MM-DD" closing date, or null) is today or earlier.
export function isClosed(closedOn) {
  return typeof closedOn === 'string' && closedOn.length >= 10 &&
      closedOn.slice(0, 10) <= todayIso();
}

// A random RFC 4122 version 4 UUID, also outside secure contexts.
export function uuid() {
  if (globalThis.crypto?.randomUUID) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

// A labelled form field: <label>text <input></label>-like pair with an id link.
let fieldCounter = 0;
export function field(labelText, control, hint) {
  const id = control.id || `f${++fieldCounter}`;
  control.id = id;
  const hintNode = hint ? el('span', {class: 'hint', id: `${id}-hint`}, hint) : null;
  if (hintNode) control.setAttribute('aria-describedby', hintNode.id);
  return el('div', {class: 'field'}, el('label', {for: id
            }, labelText), control, hintNode);
}

// A text field that must hold more than blanks: false, with `text` in `message` (role="alert")
// and the focus on the field, when it does not. Spaces alone pass `required`, not this.
export function requireText(input, message, text) {
  if (input.value.trim()) return true;
  message.textContent = text;
  input.focus();
  return false;
}
