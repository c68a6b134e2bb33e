// INSEE regions and the FINESS prefixes of their départements, as GET /api/reference/regions
// serves them (README.md; the server's table is domain/data/regions.csv). The last answer is kept
// in localStorage, so that a view names regions at once; loadRegions() reads a fresh copy.
// Until a first copy arrives, a region shows as its code and region lists are empty.
import {el} from './dom.js';

const CACHE_KEY = 'grappe.regions';

export class Regions {
  // list: [{code, name, overseasOrCorsica, departements: [{code, name, finessCode, finessPrefix}]}]
  constructor(list = []) {
    this.list = list;
    this.names = new Map(list.map((r) => [r.code, r.name]));
    this.byPrefix =
        new Map(list.flatMap((r) => r.departements.map((d) => [d.finessPrefix, r.code])));
  }

  get loaded() { return this.list.length > 0; }

  codes() { return this.list.map((r) => r.code); }

  // "Nouvelle-Aquitaine (75)"; the code alone when unknown.
  name(code) {
    const name = this.names.get(code);
    return name ? `${name} (${code})` : String(code ?? '');
  }

  // True for Corse and the overseas regions (their thresholds are lower); false when unknown.
  overseasOrCorsica(code) {
    return Boolean(this.list.find((r) => r.code === code)?.overseasOrCorsica);
  }

  // Guesses the region of a FINESS number from its prefix (overseas prefixes have 4
  // characters, the others 2); '' when unknown.
  ofFiness(finess) {
    const f = String(finess ?? '');
    return this.byPrefix.get(f.slice(0, 4)) ?? this.byPrefix.get(f.slice(0, 2)) ?? '';
  }
}

// The copy kept by the last loadRegions(); empty when there is none.
export function cachedRegions() {
  try {
    return new Regions(JSON.parse(localStorage.getItem(CACHE_KEY) ?? '[]'));
  } catch {
    return new Regions();
  }
}

// Reads the regions from the server and keeps them. Resolves with the new Regions, or null when
// they are those of `current`; rejects with the ApiError when the server cannot answer.
export async function loadRegions(api, current) {
  const {regions} = await api.get('/api/reference/regions');
  const text = JSON.stringify(regions);
  if (text === JSON.stringify(current.list)) return null;
  try {
    localStorage.setItem(CACHE_KEY, text);
  } catch {
    // Storage full or disabled: this page still uses them.
  }
  return new Regions(regions);
}

// The INSEE regions by code and name, as domain/data/regions.csv has them, for a page that may
// not read GET /api/reference/regions: a person signed in with no user yet (README "Sign-in").
// oidc.test.mjs checks that they match the server's.
const INSEE_REGIONS = [
  ['01', 'Guadeloupe'], ['02', 'Martinique'], ['03', 'Guyane'], ['04', 'La Réunion'],
  ['06', 'Mayotte'], ['11', 'Île-de-France'], ['24', 'Centre-Val de Loire'],
  ['27', 'Bourgogne-Franche-Comté'], ['28', 'Normandie'], ['32', 'Hauts-de-France'],
  ['44', 'Grand Est'], ['52', 'Pays de la Loire'], ['53', 'Bretagne'],
  ['75', 'Nouvelle-Aquitaine'], ['76', 'Occitanie'], ['84', 'Auvergne-Rhône-Alpes'],
  ['93', 'Provence-Alpes-Côte d\'Azur'], ['94', 'Corse'],
];

// The regions kept by an earlier session in this browser, else the INSEE list above.
export function regionsWithoutUser() {
  const cached = cachedRegions();
  if (cached.loaded) return cached;
  return new Regions(INSEE_REGIONS.map(([code, name]) => ({code, name, departements: []})));
}

// An <option> per region, in code order.
export function regionOptions(regions) {
  return regions.codes().map((c) => el('option', {value: c}, regions.name(c)));
}
