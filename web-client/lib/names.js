// Names for the codes the server sends bare: an organisation's (FINESS EJ) name and a FINESS
// category's label, looked up once in the registry (GET /api/establishments?ej= and ?category=,
// whose answers carry `ejName` and `categoryLabel`) and kept in localStorage, so that views show
// "Association … (330001009)" instead of a number. Until a name arrives, the code alone shows.
const CACHE_KEY = 'grappe.names';
const CHANGE_DELAY_MS = 50;

export class Names {
  // onChange() runs after looked-up names arrived (views then repaint), once for the answers
  // that arrive within a few milliseconds of each other: a table is not redrawn per name.
  constructor(api, onChange) {
    this.api = api;
    this.timer = null;
    this.onChange = () => {
      if (this.timer === null) {
        this.timer = setTimeout(() => {
          this.timer = null;
          onChange();
        }, CHANGE_DELAY_MS);
      }
    };
    this.version = 0;
    this.asked = new Set();
    const cached = readCache();
    this.orgs = new Map(Object.entries(cached.orgs ?? {}));
    this.categories = new Map(Object.entries(cached.categories ?? {}));
  }

  // "Name (code)" for an EJ; the code alone while unknown (and a look-up is started).
  organisation(ej) {
    if (!ej) return '';
    const name = this.orgs.get(ej);
    if (name === undefined) this.lookUp('ej', ej);
    return name ? `${name} (${ej})` : String(ej);
  }

  // The category's label, or '' while unknown.
  category(code) {
    if (!code) return '';
    const text = this.categories.get(code);
    if (text === undefined) this.lookUp('category', code);
    return text ?? '';
  }

  async lookUp(param, code) {
    const key = `${param}:${code}`;
    if (this.asked.has(key)) return;
    this.asked.add(key);
    try {
      const {establishments = []} =
          await this.api.get('/api/establishments', {[param]: code, limit: 1});
      const e = establishments[0];
      if (param === 'ej') this.orgs.set(code, e?.ejName ?? '');
      if (param === 'category') this.categories.set(code, e?.categoryLabel ?? '');
      if (e?.category && e.categoryLabel) this.categories.set(e.category, e.categoryLabel);
      this.version += 1;
      writeCache(this);
      this.onChange();
    } catch (e) {
      // Refused (a malformed code): shown as it is. Unreachable: asked again by the next view.
      if (e.status >= 400 && e.status < 500)
        this[param === 'ej' ? 'orgs' : 'categories'].set(code, '');
      else
        this.asked.delete(key);
    }
  }
}

function readCache() {
  try {
    return JSON.parse(localStorage.getItem(CACHE_KEY) ?? '{}');
  } catch {
    return {};
  }
}

function writeCache(names) {
  const known = (map) => Object.fromEntries([...map].filter(([, v]) => v));
  try {
    localStorage.setItem(
        CACHE_KEY, JSON.stringify({orgs: known(names.orgs), categories: known(names.categories)}));
  } catch {
    // Storage full or disabled: this page keeps them in memory.
  }
}
