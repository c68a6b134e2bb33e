// Who is signed in. GET /api/me answers a user (`id`, `name`, `role`, …) or, for a person
// signed in through OpenID Connect whose e-mail matches no user yet, their identity alone (no
// `role`): that person may only ask for access (views/access.js). The identity's fields are the
// provider's claims (ProConnect: `email`, `given_name`, `usual_name`, `siret`), found either at
// the top level or under `identity`.

// True when `me` is a user of Grappe (it has a role), false for an identity waiting for access.
export const hasUser = (me) => Boolean(me?.role);

// The identity's claims, wherever the answer put them.
export function identityOf(me) {
  const claims = me?.identity ?? me ?? {};
  return {
    email: claims.email ?? me?.email ?? '',
    givenName: claims.given_name ?? claims.givenName ?? '',
    usualName: claims.usual_name ?? claims.usualName ?? claims.family_name ?? '',
    siret: claims.siret ?? '',
    organisation: claims.organizational_unit ?? claims.organization ?? '',
  };
}

// The name to show: given name and usual name, else the user's name, else the e-mail.
export function displayName(me) {
  const who = identityOf(me);
  const full = [who.givenName, who.usualName].filter(Boolean).join(' ');
  return full || me?.name || who.email || '';
}

// A SIRET as it is usually written, "123 456 789 00012"; the SIREN is its first nine digits.
export function formatSiret(siret) {
  const s = String(siret ?? '').replace(/\s/g, '');
  if (!/^\d{14}$/.test(s)) return s;
  return `${s.slice(0, 3)} ${s.slice(3, 6)} ${s.slice(6, 9)} ${s.slice(9)}`;
}

export const sirenOf = (siret) => String(siret ?? '').replace(/\s/g, '').slice(0, 9);
