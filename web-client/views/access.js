// « Demande d’accès » (#/acces): a person signed in through OpenID Connect whose e-mail matches no
// user asks for access, as gestionnaire of one or more organismes (EJ, searched in the registry
// with their SIREN to help pick) or as ARS agent of a region: POST /api/access-requests. Then
// their requests and how they stand (GET /api/access-requests). GET /api/me is asked again
// every 15 s: once a request is approved it names a user, and onUser(user) opens the app, with
// no new sign-in; onEnded() when the session is over (401).
import {ApiError} from '../api.js';
import {
  isPending, REQUESTED_ROLE_LABELS, requestedAt, requesterDetails, requestList, REQUESTS_PATH,
  scopeText, statusLine
} from '../lib/access_requests.js';
import {el, field, formatDateTime} from '../lib/dom.js';
import {displayName, identityOf} from '../lib/identity.js';
import {label, rejectionText} from '../lib/labels.js';
import {Names} from '../lib/names.js';
import {regionOptions, regionsWithoutUser} from '../lib/regions.js';

import {createEjPicker} from './ej_picker.js';

const ME_EVERY_MS = 15000;

export function mountAccess(root, {api, me, onUser, onEnded}) {
  const who = identityOf(me);
  const regions = regionsWithoutUser();  // GET /api/reference/regions needs a user
  const names = new Names(api, () => paintRequests());  // the EJ asked for, by name
  let requests = [];
  let timer = null;
  let stopped = false;
  const status = el('p', {role: 'status', 'data-testid': 'access-status'});
  const mine = el('section', {
    class: 'card',
    'aria-labelledby': 'my-requests-title',
    'data-testid': 'my-requests',
    hidden: true
  });
  const form = requestForm();

  // Is there a user now? Then the app opens; else the requests are read again.
  async function check() {
    clearTimeout(timer);
    try {
      const fresh = await api.get('/api/me');
      if (fresh?.role) {
        stopped = true;
        return onUser(fresh);
      }
    } catch (e) {
      // 403: still no user (some servers answer so); 401: the session is over.
      if (e instanceof ApiError && e.status === 401) {
        stopped = true;
        return onEnded();
      }
    }
    await readRequests();
    if (!stopped) timer = setTimeout(check, ME_EVERY_MS);
  }

  async function readRequests() {
    try {
      requests = requestList(await api.get(REQUESTS_PATH));
    } catch {
      return;  // the form stays; the list shows what was read before
    }
    paintRequests();
  }

  function paintRequests() {
    mine.hidden = !requests.length;
    const waiting = requests.some(isPending);
    form.node.hidden = waiting;
    mine.replaceChildren(
        el('h2', {id: 'my-requests-title', tabindex: -1},
           waiting ? 'Demande envoyée, en attente' : 'Vos demandes'),
        waiting ? el('p', null,
                     'Un administrateur ou un gestionnaire de l’organisme examinera votre ' +
                         'demande. Cette page s’ouvrira sur Grappe dès qu’elle sera acceptée : ' +
                         'vous n’aurez pas à vous reconnecter.') :
                  null,
        el('ul', {class: 'plain requests'},
           requests.map(
               (r) =>
                   el('li', {class: 'request', 'data-testid': `my-request-${r.id}`},
                      el('p', null, el('strong', null, label(REQUESTED_ROLE_LABELS, r.role)),
                         scopeText(r, {names, regions}) ? ` : ${scopeText(r, {names, regions})}` :
                                                          '',
                         el('span', {class: 'meta'},
                            ` — demandée le ${formatDateTime(requestedAt(r))}`)),
                      statusLine(r)))),
        el('button', {
          type: 'button',
          class: 'secondary',
          'data-testid': 'access-check',
          onclick: () => {
            status.textContent = 'Vérification…';
            check().then(() => {
              if (!stopped) status.textContent = 'Pas encore d’accès.';
            });
          }
        },
           'Vérifier maintenant'));
  }

  function requestForm() {
    const roleBoxes = Object.entries(REQUESTED_ROLE_LABELS)
                          .map(
                              ([value, text]) =>
                                  el('div', {class: 'choice'}, el('input', {
                                       type: 'radio',
                                       name: 'role',
                                       id: `access-role-${value}`,
                                       value,
                                       'data-testid': `access-role-${value}`,
                                       checked: value === 'gestionnaire'
                                     }),
                                     el('label', {for: `access-role-${value}`
                                     }, text)));
    const picker = createEjPicker(api, who);
    const region =
        el('select', {name: 'region', 'data-testid': 'access-region'},
           el('option', {value: ''}, '— Choisissez une région —'), regionOptions(regions));
    const arsPart = el('div', {hidden: true}, field('Région instruite', region));
    const message = el(
        'textarea', {name: 'message', rows: 3, maxlength: 2000, 'data-testid': 'access-message'});
    const error = el('p', {class: 'error', role: 'alert', 'data-testid': 'access-error'});
    const submit =
        el('button', {type: 'submit', 'data-testid': 'access-submit'}, 'Envoyer la demande');
    const role = () => roleBoxes.map((b) => b.querySelector('input')).find((i) => i.checked).value;
    const showRole = () => {
      picker.node.hidden = role() !== 'gestionnaire';
      arsPart.hidden = role() !== 'ars';
    };
    for (const b of roleBoxes) b.querySelector('input').addEventListener('change', showRole);
    const node = el(
        'form', {
          class: 'card',
          novalidate: true,
          'aria-labelledby': 'access-form-title',
          'data-testid': 'access-form'
        },
        el('h2', {id: 'access-form-title'}, 'Votre demande'),
        el('fieldset', null, el('legend', null, 'Vous demandez un accès en tant que'), roleBoxes),
        picker.node, arsPart,
        field(
            'Message (facultatif)', message,
            'Votre fonction, votre service : ce qui aidera à reconnaître votre demande.'),
        submit, error);
    node.addEventListener('submit', async (e) => {
      e.preventDefault();
      error.textContent = '';
      const body = role() === 'ars' ? {role: 'ars', regions: region.value ? [region.value] : []} :
                                      {role: 'gestionnaire', og: picker.chosen()};
      if (body.role === 'ars' && !body.regions.length) {
        error.textContent = 'Choisissez la région que vous instruisez.';
        return region.focus();
      }
      if (body.role === 'gestionnaire' && !body.og.length) {
        error.textContent = 'Ajoutez au moins un organisme gestionnaire.';
        return picker.focus();
      }
      if (message.value.trim()) body.message = message.value.trim();
      submit.disabled = true;
      try {
        await api.post(REQUESTS_PATH, body);
        await readRequests();
        if (!requests.length) requests = [{...body, id: 'sent', status: 'pending'}];
        paintRequests();
        mine.querySelector('h2')?.focus();
        status.textContent = 'Demande envoyée.';
      } catch (err) {
        error.textContent = `Demande non envoyée. ${rejectionText(err)}`;
      } finally {
        submit.disabled = false;
      }
    });
    return {
      node,
      stop: picker.stop,
    };
  }

  root.replaceChildren(el(
      'article', {class: 'access', 'data-testid': 'access-page'}, el('h1', null, 'Demande d’accès'),
      el('p', null,
         `Bonjour ${displayName(me)}. Vous êtes bien connecté, mais aucun compte Grappe ` +
             'n’existe encore à votre adresse. Demandez un accès : un administrateur, ou ' +
             'un gestionnaire déjà inscrit pour votre organisme, l’examinera.'),
      el('section', {class: 'card', 'aria-labelledby': 'identity-title'},
         el('h2', {id: 'identity-title'}, 'Votre identité'),
         el('p', {'data-testid': 'identity-name'}, el('strong', null, displayName(me))),
         requesterDetails(who, 'identity'),
         el('p', {class: 'hint'}, 'Ces informations viennent de votre fournisseur d’identité.')),
      status, mine, form.node));
  check();
  return {
    stop() {
      stopped = true;
      clearTimeout(timer);
      form.stop();
    },
  };
}
