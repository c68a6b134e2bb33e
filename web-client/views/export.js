// The grappe's exports (GET /api/grappes/{id}/export.xlsx and .csv, README.md) and its printable
// page: buttons that download the file the server writes, and a link to #/grappes/{id}/imprimer.
import {grappePath} from '../api.js';
import {el} from '../lib/dom.js';
import {rejectionText} from '../lib/labels.js';

const FORMATS = [
  {ext: 'xlsx', text: 'Exporter (Excel)', testid: 'export-xlsx'},
  {ext: 'csv', text: 'Exporter (CSV)', testid: 'export-csv'},
];

export function createExportBar(app, id) {
  const message =
      el('p', {class: 'export-message', role: 'status', 'data-testid': 'export-status'});
  const buttons = FORMATS.map(
      (f) =>
          el('button', {
            type: 'button',
            class: 'secondary',
            'data-testid': f.testid,
            onclick: (e) => download(e.currentTarget, f)
          },
             f.text));

  async function download(button, format) {
    button.disabled = true;
    message.textContent = 'Préparation du fichier…';
    try {
      const {blob, filename} = await app.api.file(`${grappePath(id)}/export.${format.ext}`);
      const url = URL.createObjectURL(blob);
      const link = el('a', {href: url, download: filename, hidden: true});
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10000);
      message.textContent = `Fichier ${filename} téléchargé.`;
    } catch (e) {
      message.textContent = `Export impossible. ${rejectionText(e)}`;
    } finally {
      button.disabled = false;
    }
  }

  return el(
      'div', {class: 'export-bar', 'data-testid': 'export-bar'}, ...buttons,
      el('a', {href: `#/grappes/${encodeURIComponent(id)}/imprimer`, 'data-testid': 'print-link'},
         'Version imprimable'),
      message);
}
