// What the server checks in a user (domain/src/user.cpp parse_user, and the path's id form),
// checked before sending so that each mistake gets a French sentence naming the field.

const ID_FORM = /^[A-Za-z0-9_-]{1,64}$/;  // a user id as the API's path accepts it
const FINESS_FORM = /^[0-9](?:[0-9]|(?<=^2)[AB])[0-9]{7}$/;
const NAME_MAX = 200;

// "330000000, 2A0000001 330000002" → ["330000000", "2A0000001", "330000002"]
export function splitList(text) {
  return String(text ?? '').split(/[\s,;]+/).map((s) => s.trim().toUpperCase()).filter(Boolean);
}

// The FINESS key (Luhn, 2A/2B counting as 21/22), as domain/src/finess.cpp finess_key_ok.
export function finessKeyOk(finess) {
  if (!FINESS_FORM.test(finess)) return false;
  const digits = finess.replace(/^2A/, '21').replace(/^2B/, '22');
  let sum = 0;
  for (let i = 0; i < 9; i++) {
    let d = Number(digits[8 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

// The first problem of `user` ({id, name, role, og, regions}) as {field, text}, or null.
// context: creating (a new id), taken (ids in use), regions (lib/regions.js Regions).
export function checkUser(user, {creating, taken = [], regions}) {
  const problem = (field, text) => ({field, text});
  if (creating) {
    if (!user.id) return problem('id', 'Donnez un identifiant.');
    if (!ID_FORM.test(user.id)) {
      return problem(
          'id',
          'L’identifiant ne peut contenir que des lettres sans accent, des chiffres, « - » et ' +
              '« _ » (64 caractères au plus).');
    }
    if (taken.includes(user.id)) {
      return problem(
          'id',
          `L’identifiant « ${user.id} » est déjà pris : choisissez-en un autre, ou modifiez ` +
              'cet utilisateur depuis la liste.');
    }
  }
  if (!user.name) return problem('name', 'Donnez le nom de la personne.');
  if (user.name.length > NAME_MAX) {
    return problem('name', `Le nom ne doit pas dépasser ${NAME_MAX} caractères.`);
  }
  if (user.role === 'gestionnaire') return checkOrganisations(user.og, regions);
  if (user.role === 'ars' && !user.regions.length) {
    return problem('regions', 'Un agent d’ARS instruit au moins une région : cochez-la.');
  }
  return null;
}

function checkOrganisations(og, regions) {
  const problem = (text) => ({field: 'og', text});
  if (!og.length) {
    return problem(
        'Un gestionnaire agit pour au moins un organisme gestionnaire : indiquez son numéro ' +
        'FINESS EJ.');
  }
  for (const ej of og) {
    if (!FINESS_FORM.test(ej)) {
      return problem(
          `« ${ej} » n’est pas un numéro FINESS : 9 chiffres attendus (2A ou 2B en tête pour ` +
          'la Corse).');
    }
    if (!finessKeyOk(ej)) {
      return problem(
          `« ${ej} » n’est pas un numéro FINESS valide : sa clé de contrôle ne correspond pas. ` +
          'Vérifiez chaque chiffre.');
    }
    if (regions?.loaded && !regions.ofFiness(ej)) {
      return problem(`« ${ej} » ne commence par le code d’aucun département connu.`);
    }
  }
  if (new Set(og).size !== og.length) return problem('Un même numéro FINESS est donné deux fois.');
  return null;
}
