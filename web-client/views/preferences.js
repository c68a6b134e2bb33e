// « Préférences » (reached from the header): how the user hears of what happens in its grappes
// by e-mail (PUT /api/me/preferences). The address itself is the administrator's to change.
import {el} from '../lib/dom.js';

const CHOICES = [
  [
    'immediate', 'À chaque événement',
    'un message dès qu’une invitation, une réponse, un dépôt ' +
        'ou une décision vous concerne'
  ],
  ['daily', 'Un résumé quotidien', 'un seul message chaque matin, listant ce qui s’est passé'],
  ['off', 'Aucun message', 'vous suivez vos grappes dans l’application seulement'],
];

export function mountPreferences(root, app) {
  document.title = 'Préférences — Grappe ESMS numérique';
  const status = el('p', {role: 'status', 'data-testid': 'preferences-status'});
  const current = app.me.notifications ?? 'immediate';
  const options = CHOICES.map(
      ([value, title, hint]) => el(
          'div', {class: 'choice'}, el('input', {
            type: 'radio',
            name: 'notifications',
            id: `notifications-${value}`,
            value,
            checked: value === current,
            'aria-describedby': `notifications-${value}-hint`,
          }),
          el('label', {for: `notifications-${value}`
          }, title), el('span', {id: `notifications-${value}-hint`, class: 'hint'}, ` : ${hint}`)));
  const save = el('button', {type: 'submit'}, 'Enregistrer');
  const form =
      el('form', {'data-testid': 'preferences-form'},
         el('fieldset', null, el('legend', null, 'Notifications par courriel'), options), save,
         status);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const chosen = form.querySelector('input[name="notifications"]:checked')?.value;
    if (!chosen) return;
    save.disabled = true;
    status.textContent = 'Enregistrement…';
    try {
      const me = await app.api.put('/api/me/preferences', {notifications: chosen});
      app.me.notifications = me.notifications;
      sessionStorage.setItem('grappe.me', JSON.stringify(app.me));
      status.textContent = 'Préférence enregistrée.';
    } catch (err) {
      status.textContent = `Non enregistré : ${err.message || 'serveur injoignable'}.`;
    } finally {
      save.disabled = false;
    }
  });
  root.replaceChildren(
      el('article', {class: 'preferences card', 'data-testid': 'preferences'},
         el('p', {class: 'crumbs'}, el('a', {href: '#/'}, '← Toutes les grappes')),
         el('h1', null, 'Préférences'),
         el('p', {'data-testid': 'preferences-email'},
            app.me.email ? ['Les messages sont envoyés à ', el('strong', null, app.me.email), '.'] :
                           'Aucune adresse électronique n’est enregistrée pour vous : demandez à ' +
                    'votre administrateur d’en ajouter une pour recevoir des messages.'),
         form));
  return null;
}
