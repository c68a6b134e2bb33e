// What the signed-in user may do, as PROTOCOL.md's role table says. The server decides in the
// end; these only decide which actions are offered.

const ownsEj = (me, ej) => me?.role === 'gestionnaire' && (me.og ?? []).includes(ej);

export const isPorteur = (me, state) => !!state && ownsEj(me, state.porteur);

export const managesMember = (me, member) => ownsEj(me, member.ej);

export const isOpen = (state) => state?.status === 'open';

export const canCreate = (me) => me?.role === 'gestionnaire' && (me.og ?? []).length > 0;

export const canComment = (me) => me?.role === 'gestionnaire' || me?.role === 'ars';

export const canDecide = (me, state) => me?.role === 'ars' && state?.status === 'submitted' &&
    (me.regions ?? []).includes(state.region);

export const canAudit = (me) => me?.role === 'auditor' || me?.role === 'admin';

export const isAdmin = (me) => me?.role === 'admin';
