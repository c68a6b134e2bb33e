// The registry of establishments in service (GET /api/registry) in words, and the counts and
// sizes its upload shows, in French.
import {formatDate} from './dom.js';
import {frenchDate, label, REGISTRY_SOURCE_LABELS} from './labels.js';

const integer = new Intl.NumberFormat('fr-FR');
const oneDecimal =
    new Intl.NumberFormat('fr-FR', {minimumFractionDigits: 1, maximumFractionDigits: 1});

// "finess-plus" → "FINESS+ (data.gouv.fr)"; a registry read from several files ("demo+csv")
// names each.
export function sourceText(source) {
  return String(source ?? '').split('+').map((s) => label(REGISTRY_SOURCE_LABELS, s)).join(' + ');
}

// "Registre : FINESS+ (data.gouv.fr) du 13/08/2026"; the day it was loaded when the file does
// not date itself.
export function registryLine(info) {
  const when = info.generatedAt ? ` du ${frenchDate(info.generatedAt)}` :
                                  `, chargé le ${formatDate(info.loadedAt)}`;
  return `Registre : ${sourceText(info.source)}${when}`;
}

export const integerText = (n) => integer.format(n ?? 0);

// "1 753 établissements", "1 remarque" (0 and 1 take the singular in French).
export const countText = (n, singular, plural) =>
    `${integerText(n)} ${(n ?? 0) > 1 ? plural : singular}`;

// A share (0..1) as a whole percentage, never 100 before the end.
export const percentText = (share) =>
    `${share >= 1 ? 100 : Math.min(99, Math.floor(Math.max(0, share) * 100))} %`;

// "12,3 Mo sur 27,1 Mo", both in the unit of the total (ko, Mo or Go; decimal).
export function bytesOfText(done, total) {
  const [unit, size] = total >= 1e9 ? ['Go', 1e9] : total >= 1e6 ? ['Mo', 1e6] : ['ko', 1e3];
  return `${oneDecimal.format(done / size)} ${unit} sur ${oneDecimal.format(total / size)} ${unit}`;
}
