// HTTP API client. Every call carries the bearer token when there is one, else the session
// cookie that signing in through OpenID Connect left (same-origin requests send it); a request
// that changes something also carries `X-Grappe-CSRF: 1`, without which the server refuses a
// cookie-authenticated POST, PUT or DELETE (README "Sign-in"). Errors become ApiError with the
// server's code and message (PROTOCOL.md: {"error":{"code","message"}}).

export class ApiError extends Error {
  constructor(status, code, message, body) {
    super(message || code);
    this.status = status;
    this.code = code;
    this.body = body;
  }
}

// The header the server asks of a state-changing request made with the session cookie.
export const CSRF_HEADER = {'X-Grappe-CSRF': '1'};

export function createApi(token, base = '') {
  async function request(method, path, {params, body, signal} = {}) {
    const query = params ? queryString(params) : '';
    let response;
    try {
      response = await fetch(`${base}${path}${query}`, {
        method,
        signal,
        credentials: 'same-origin',
        headers: {
          ...(token ? {Authorization: `Bearer ${token}`} : {}),
          ...(method !== 'GET' ? CSRF_HEADER : {}),
          ...(body !== undefined ? {'Content-Type': 'application/json'} : {}),
        },
        body: body !== undefined ? JSON.stringify(body) : undefined,
      });
    } catch (e) {
      if (e.name === 'AbortError') throw e;
      throw new ApiError(0, 'network', 'Serveur injoignable');
    }
    const data = await response.json().catch(() => null);
    if (!response.ok) throw apiError(response.status, data);
    return data;
  }

  // POSTs a file's raw bytes with XMLHttpRequest, which, unlike fetch, reports the upload's
  // progress: onSending(sent, total) as bytes leave, onSent() once all have left (the server
  // may answer much later). Resolves with the answer's JSON; rejects with an ApiError.
  function upload(path, file, {onSending, onSent} = {}) {
    return new Promise((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      xhr.open('POST', `${base}${path}`);
      if (token) xhr.setRequestHeader('Authorization', `Bearer ${token}`);
      xhr.setRequestHeader('X-Grappe-CSRF', '1');
      xhr.setRequestHeader('Content-Type', 'application/octet-stream');
      xhr.upload.onprogress = (e) =>
          onSending?.(e.loaded, e.lengthComputable ? e.total : file.size);
      xhr.upload.onload = () => onSent?.();
      xhr.onload = () => {
        let data = null;
        try {
          data = JSON.parse(xhr.responseText);
        } catch {
          // not JSON: the status alone says what happened
        }
        if (xhr.status >= 200 && xhr.status < 300)
          resolve(data);
        else
          reject(apiError(xhr.status, data));
      };
      xhr.onerror = xhr.onabort = xhr.ontimeout = () =>
          reject(new ApiError(0, 'network', 'Serveur injoignable'));
      xhr.send(file);
    });
  }
  // GETs a file (the exports): {blob, filename} from Content-Disposition; rejects with an
  // ApiError as request() does.
  async function file(path, params) {
    let response;
    try {
      response = await fetch(
          `${base}${path}${params ? queryString(params) : ''}`,
          {credentials: 'same-origin', headers: token ? {Authorization: `Bearer ${token}`} : {}});
    } catch {
      throw new ApiError(0, 'network', 'Serveur injoignable');
    }
    if (!response.ok) throw apiError(response.status, await response.json().catch(() => null));
    const disposition = response.headers.get('Content-Disposition') ?? '';
    const filename = /filename="([^"]+)"/.exec(disposition)?.[1] ?? 'export';
    return {blob: await response.blob(), filename};
  }
  return {
    get: (path, params, signal) => request('GET', path, {params, signal}),
    file,
    post: (path, body) => request('POST', path, {body}),
    put: (path, body) => request('PUT', path, {body}),
    del: (path) => request('DELETE', path),
    upload,
  };
}

// The error of a non-2xx answer (PROTOCOL.md: {"error":{"code","message"}}).
function apiError(status, data) {
  const err = data?.error ?? data ?? {};
  return new ApiError(status, err.code ?? `http_${status}`, err.message ?? '', data);
}

function queryString(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  }
  const s = q.toString();
  return s ? `?${s}` : '';
}

export const grappePath = (id) => `/api/grappes/${encodeURIComponent(id)}`;
export const establishmentPath = (finess) => `/api/establishments/${encodeURIComponent(finess)}`;

const EVENTS_PAGE = 500;

// Every event of a grappe after `fromVersion`, read page by page (GET …/events).
export async function grappeEvents(api, id, fromVersion = 0) {
  const all = [];
  for (;;) {
    const from = all.length ? all[all.length - 1].version : fromVersion;
    const {events} =
        await api.get(`${grappePath(id)}/events`, {fromVersion: from, limit: EVENTS_PAGE});
    all.push(...events);
    if (events.length < EVENTS_PAGE) return all;
  }
}
