// French words for the wire's codes. Codes stay as PROTOCOL.md spells them; only labels change.

export const ROLE_LABELS = {
  gestionnaire: 'Gestionnaire',
  ars: 'ARS',
  auditor: 'Auditeur',
  admin: 'Administrateur',
};

export const GRAPPE_STATUS_LABELS = {
  open: 'En constitution',
  submitted: 'Dossier déposé',
  accepted: 'Retenue',
  rejected: 'Non retenue',
};

export const MEMBER_STATUS_LABELS = {
  invited: 'Invité',
  accepted: 'Membre',
  declined: 'A décliné',
  revoked: 'Invitation révoquée',
  withdrawn: 'S’est retiré',
  removed: 'Retiré par le porteur',
};

export const RULE_LABELS = {
  min_size: 'Nombre minimal d’établissements',
  min_organisations: 'Organismes gestionnaires distincts',
  max_size: 'Taille maximale',
  same_region: 'Même région',
  exclusive_membership: 'Une seule grappe par appel',
  eligible_category: 'Catégorie éligible',
  known_establishment: 'Établissement connu du FINESS',
  open_establishment: 'Établissements ouverts',
  pending_invitations: 'Invitations sans réponse',
};

export const OUTCOME_LABELS = {
  pass: 'Conforme',
  warn: 'À vérifier',
  fail: 'Non conforme'
};

export const AVAILABILITY_LABELS = {
  free: 'Disponible',
  invited_elsewhere: 'Invité dans une autre grappe de cet appel',
  member_elsewhere: 'Déjà membre d’une autre grappe de cet appel',
};

// Publics of an establishment's profile (PROTOCOL.md "Finding partners").
export const PUBLIC_LABELS = {
  PA: 'Personnes âgées',
  PH: 'Personnes handicapées',
  enfance: 'Enfance',
  AHI: 'Accueil, hébergement, insertion',
  PJM: 'Protection juridique des majeurs',
  addictions: 'Addictions',
  'difficultés-spécifiques': 'Difficultés spécifiques',
  domicile: 'Domicile',
};

// Where the registry in service comes from (GET /api/registry "source").
export const REGISTRY_SOURCE_LABELS = {
  'finess-plus': 'FINESS+ (data.gouv.fr)',
  etalab: 'Extrait FINESS (etalab)',
  csv: 'CSV',
  demo: 'Démonstration',
};

export const DECISION_LABELS = {
  accepted: 'Retenue',
  rejected: 'Non retenue'
};

export const PRESENCE_LABELS = {
  viewing: 'consulte',
  editing: 'modifie'
};

// Rejection codes in words a gestionnaire understands; the server's own message follows them.
const REJECTION_LABELS = {
  bad_request: 'La demande est incomplète ou mal formée.',
  unauthorized: 'Votre session n’est plus valide : reconnectez-vous.',
  forbidden: 'Vous n’avez pas le droit de faire cette action.',
  not_found: 'Cette grappe ou cet établissement est introuvable.',
  conflict: 'La grappe a changé entre-temps : vérifiez puis recommencez.',
  rule_violation: 'Une règle du programme l’interdit.',
  invalid_state: 'Impossible dans l’état actuel du dossier (déposé ou clos).',
  too_large: 'Le texte est trop long.',
  rate_limited: 'Trop de demandes : réessayez dans un instant.',
  unavailable: 'Le serveur ne peut pas enregistrer pour le moment : réessayez dans un instant.',
  internal: 'Le serveur a rencontré une erreur : réessayez plus tard.',
  network: 'Le serveur est injoignable : réessayez quand la connexion sera rétablie.',
};

// "2025-03-12" → "12/03/2025"; anything else as is.
export function frenchDate(iso) {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(String(iso ?? ''));
  return m ? `${m[3]}/${m[2]}/${m[1]}` : String(iso ?? '');
}

// Refusals by a rule of the programme: a text, or a function of the rejection's details.
const RULE_REJECTIONS = {
  exclusive_membership: 'Cet établissement est déjà membre d’une autre grappe de cet appel.',
  open_establishment: (details) => 'Cet établissement est fermé au répertoire FINESS' +
      (details?.closedOn ? ` depuis le ${frenchDate(details.closedOn)}` : '') +
      ' : il ne peut pas être invité.',
};

// {code, message, details} → words for the user: ours for a known rule; otherwise ours for the
// code followed by the server's own explanation.
export function rejectionText(rejection) {
  const rule = RULE_REJECTIONS[rejection?.details?.rule];
  if (typeof rule === 'function') return rule(rejection.details);
  if (rule) return rule;
  const main = REJECTION_LABELS[rejection?.code] ?? 'Action refusée.';
  return rejection?.message ? `${main} Détail : ${rejection.message}` : main;
}

export function label(table, code) { return table[code] ?? String(code ?? ''); }
