// Picks the actors and establishments of a scenario from the demo world.
import {apiClient, demoUsers} from './server.mjs';

export async function demoWorld(base) {
  const users = await demoUsers(base);
  const byRole = (role) => users.filter((u) => u.role === role);
  const gestionnaires = byRole('gestionnaire');
  if (gestionnaires.length < 2) throw new Error('the demo world needs two gestionnaires');
  return {
    users,
    gestionnaires,
    auditor: byRole('auditor')[0],
    admin: byRole('admin')[0],
    ars: byRole('ars')[0],
  };
}

// Establishments of `user`'s OGs not invited or accepted in any grappe of `call`.
export async function freeEstablishments(base, user, call = 'default') {
  const api = apiClient(base, user.token);
  const {data} = await api.get('/api/establishments?limit=500');
  const own = data.establishments.filter((e) => user.og.includes(e.ej) && e.inScope !== false);
  const free = [];
  for (const e of own) {
    const detail = (await api.get(`/api/establishments/${e.finess}`)).data;
    const busy =
        (detail.memberships ??
         []).some((m) => m.call === call && (m.status === 'accepted' || m.status === 'invited'));
    if (!busy) free.push(e);
  }
  return free;
}

// The porteur (first gestionnaire) and, among the others, the partner with the most free
// establishments in `call` (at least `need`).
export async function porteurAndPartner(base, world, need, call = 'default') {
  const porteur = world.gestionnaires[0];
  let best = null;
  for (const g of world.gestionnaires.slice(1)) {
    if (g.og.some((o) => porteur.og.includes(o))) continue;
    const free = await freeEstablishments(base, g, call);
    if (!best || free.length > best.free.length) best = {partner: g, free};
  }
  if (!best || best.free.length < need) {
    throw new Error(`no partner with ${need} free establishments in the demo registry`);
  }
  return {porteur, partner: best.partner, free: best.free};
}
