// The REST API (docs/api.md): JSON, session cookie, CSRF token on every change.
let csrf = '';

export class ApiError extends Error {
  constructor(status, body) {
    super(body && body.error ? body.error : `HTTP ${status}`);
    this.status = status;
    this.body = body;
  }
}

export function setCsrf(token) { csrf = token || ''; }

// On the service's own port the UI and API are at /; inside Orthanc (the plugin) under /fluoroaudit/.
export const base = window.location.pathname.startsWith('/fluoroaudit/') ? '/fluoroaudit' : '';
export const url = (path) => base + path;

export async function api(method, path, body) {
  const options = { method, headers: {}, credentials: 'same-origin' };
  if (body !== undefined) {
    options.headers['Content-Type'] = 'application/json';
    options.body = JSON.stringify(body);
  }
  if (method !== 'GET') options.headers['X-CSRF-Token'] = csrf;
  // Inside Orthanc a 401 would carry Orthanc's Basic challenge and make the browser ask for a
  // password; the plugin answers the UI's requests (marked so) with 403 and login_required instead.
  options.headers['X-FA-UI'] = '1';
  // Messages from the server come in the language the UI is shown in.
  options.headers['Accept-Language'] = document.documentElement.lang || 'en';
  const response = await fetch(url(path), options);
  if (response.status === 204) return null;
  const type = response.headers.get('Content-Type') || '';
  const data = type.includes('json') ? await response.json() : await response.text();
  if (!response.ok) {
    const loggedOut = response.status === 401 || (response.status === 403 && data && data.login_required);
    if (loggedOut && path !== '/api/login') window.dispatchEvent(new Event('fa-logged-out'));
    throw new ApiError(response.status, data);
  }
  return data;
}

export const get = (path) => api('GET', path);

export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, v);
  const s = q.toString();
  return s ? `?${s}` : '';
}
