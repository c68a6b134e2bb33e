// « Déclaration d'accessibilité » (RGAA 4.1.2, the model of the DINUM): readable signed in or not,
// linked from every page's footer. The audit's figures are those of tests/e2e/a11y.test.mjs
// (axe-core on every view and role); the moderate findings left are listed in README.md too.
import {el} from '../lib/dom.js';

export const CONFORMITY = 'non conforme';  // the footer's « Accessibilité : … » says the same

const VIEWS = [
  'Connexion', 'Liste des grappes et création d’une grappe',
  'Page d’une grappe : établissements, invitation (recherche), partenaires possibles, ' +
      'éligibilité, dépôt du dossier, décision de l’ARS, activité et commentaires',
  'Historique d’une grappe (auditeur, administrateur)', 'Établissements', 'Administration',
  'La présente déclaration'
];

// Moderate findings left by the automated audit (none serious or critical): see README.md.
const LEFT = [];

export function mountStatement(root, app) {
  document.title = 'Déclaration d’accessibilité — Grappe ESMS numérique';
  const section = (id, title, ...body) =>
      el('section', {class: 'card', 'aria-labelledby': id}, el('h2', {id}, title), ...body);
  const list = (items) => el('ul', null, items.map((text) => el('li', null, text)));
  root.replaceChildren(el(
      'article', {class: 'statement', 'data-testid': 'a11y-statement'},
      el('p', {class: 'crumbs'},
         app ? el('a', {href: '#/'}, '← Toutes les grappes') :
               el('a', {href: '#/'}, 'Se connecter')),
      el('h1', null, 'Déclaration d’accessibilité'),
      el('p', null,
         'Grappe, l’application des grappes du Programme ESMS numérique, s’engage à rendre son ' +
             'service accessible, conformément à l’article 47 de la loi n° 2005-102 du ' +
             '11 février 2005.'),
      el('p', null, 'Cette déclaration d’accessibilité s’applique à l’application web Grappe.'),
      section(
          'a11y-state', 'État de conformité',
          el('p', {'data-testid': 'a11y-conformity'}, 'Grappe est ', el('strong', null, CONFORMITY),
             ' avec le référentiel général d’amélioration de l’accessibilité (RGAA), ' +
                 'version 4.1.2 : elle n’a pas encore fait l’objet de l’audit complet de ' +
                 'conformité qui permettrait d’en mesurer le taux, et le référentiel demande ' +
                 'de la déclarer ainsi en attendant.')),
      section(
          'a11y-results', 'Résultats des tests',
          el('p', null,
             'Un contrôle automatisé est refait à chaque modification de l’application : le ' +
                 'moteur axe-core (règles WCAG 2.0, 2.1 et 2.2 de niveaux A et AA, et bonnes ' +
                 'pratiques) examine chaque page pour chaque rôle (gestionnaire, porteur, agent ' +
                 'd’ARS, auditeur, administrateur), y compris avec une boîte de dialogue ouverte ' +
                 'et une action refusée affichée. Il a donné :'),
          el('ul', {'data-testid': 'a11y-audit'},
             el('li', null, 'non-conformités critiques ou graves : ', el('strong', null, '0'),
                ' ;'),
             el('li', null, 'non-conformités modérées : ', el('strong', null, String(LEFT.length)),
                LEFT.length ? ' (ci-dessous) ;' : ' ;'),
             el('li', null,
                'toutes les pages s’affichent de 360 à 1 440 pixels de large sans défilement ' +
                    'horizontal ;'),
             el('li', null,
                'au clavier : lien d’évitement vers le contenu, focus rendu à l’élément qui ' +
                    'ouvre une boîte de dialogue quand elle se ferme, focus placé au début du ' +
                    'contenu après un changement de page ;'),
             el('li', null,
                'les animations sont coupées quand le système demande d’en réduire les ' +
                    'mouvements.')),
          el('p', null,
             'Un contrôle automatisé ne trouve qu’une partie des défauts : la pertinence des ' +
                 'textes, l’ordre de lecture et l’usage avec un lecteur d’écran restent à ' +
                 'vérifier par l’audit complet.')),
      section(
          'a11y-left', 'Contenus non accessibles', el('h3', null, 'Non-conformités'),
          LEFT.length ? list(LEFT) :
                        el('p', null, 'Aucune relevée par le contrôle automatisé à ce jour.'),
          el('h3', null, 'Dérogations pour charge disproportionnée'), el('p', null, 'Aucune.'),
          el('h3', null, 'Contenus non soumis à l’obligation d’accessibilité'),
          el('p', null, 'Aucun.')),
      section(
          'a11y-made', 'Établissement de cette déclaration',
          el('p', null, 'Cette déclaration a été établie le 7 décembre 2026.'),
          el('p', null,
             'Technologies utilisées : HTML, CSS, JavaScript, WAI-ARIA. Environnement de test : ' +
                 'Chromium (Debian) piloté par Playwright, axe-core 4.13.'),
          el('p', null, 'Pages vérifiées :'), list(VIEWS)),
      section(
          'a11y-contact', 'Retour d’information et contact',
          el('p', null,
             'Si vous n’arrivez pas à accéder à un contenu ou à un service, adressez-vous à ' +
                 'l’administrateur de Grappe de votre organisme ou de votre ARS : il vous ' +
                 'orientera vers une autre façon d’y accéder ou vous donnera le contenu sous une ' +
                 'autre forme.')),
      section(
          'a11y-appeal', 'Voies de recours',
          el('p', null,
             'Si vous constatez un défaut d’accessibilité qui vous empêche d’accéder à un ' +
                 'contenu ou à une fonctionnalité, que vous nous l’avez signalé et que vous ' +
                 'n’avez pas obtenu de réponse satisfaisante, vous pouvez saisir le Défenseur ' +
                 'des droits :'),
          el('ul', null,
             el('li', null, 'par son formulaire en ligne : ',
                el('a', {href: 'https://formulaire.defenseurdesdroits.fr/'},
                   'formulaire.defenseurdesdroits.fr'),
                ' ;'),
             el('li', null, 'auprès du délégué du Défenseur des droits de votre région : ',
                el('a', {href: 'https://www.defenseurdesdroits.fr/saisir/delegues'},
                   'liste des délégués'),
                ' ;'),
             el('li', null,
                'par courrier, gratuit et sans timbre : Défenseur des droits, Libre réponse ' +
                    '71120, 75342 Paris CEDEX 07.')))));
  return null;
}
